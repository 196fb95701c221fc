package kumacp

import (
	"encoding/json"
	"net/http"

	"github.com/hms-platform/hmsdev/kuma/schema"
)

// apiError is Kuma 2.5's error body (type /std-errors), with the
// deprecated fields it still sends: details (a string, = detail) and
// causes (field and message). A client must read the body with them there.
type apiError struct {
	Type    string           `json:"type"`
	Status  int              `json:"status"`
	Title   string           `json:"title"`
	Detail  string           `json:"detail"`
	Invalid []schema.Invalid `json:"invalid_parameters,omitempty"`
	Details string           `json:"details"`
	Causes  []cause          `json:"causes,omitempty"`
}

type cause struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func writeError(w http.ResponseWriter, status int, title, detail string, invalid ...schema.Invalid) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	body := apiError{Type: "/std-errors", Status: status, Title: title, Detail: detail, Invalid: invalid, Details: detail}
	for _, f := range invalid {
		body.Causes = append(body.Causes, cause{Field: f.Field, Message: f.Reason})
	}
	json.NewEncoder(w).Encode(body)
}

func badRequest(w http.ResponseWriter, invalid []schema.Invalid) {
	writeError(w, http.StatusBadRequest, "Bad Request", "Resource is not valid", invalid...)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
