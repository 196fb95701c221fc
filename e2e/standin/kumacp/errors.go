package kumacp

import (
	"encoding/json"
	"net/http"

	"github.com/hms-platform/hmsdev/kuma/schema"
)

// apiError is Kuma 2.5's error body (type /std-errors).
type apiError struct {
	Type    string           `json:"type"`
	Status  int              `json:"status"`
	Title   string           `json:"title"`
	Detail  string           `json:"detail"`
	Invalid []schema.Invalid `json:"invalid_parameters,omitempty"`
}

func writeError(w http.ResponseWriter, status int, title, detail string, invalid ...schema.Invalid) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(apiError{Type: "/std-errors", Status: status, Title: title, Detail: detail, Invalid: invalid})
}

func badRequest(w http.ResponseWriter, invalid []schema.Invalid) {
	writeError(w, http.StatusBadRequest, "Bad Request", "Resource is not valid", invalid...)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
