package kumacp

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/hms-platform/hmsdev/kuma/schema"
)

// claims is what a dataplane token carries.
type claims struct {
	Name string              `json:"Name"`
	Mesh string              `json:"Mesh"`
	Tags map[string][]string `json:"Tags"`
	Type string              `json:"Type,omitempty"`
	Exp  int64               `json:"exp"`
}

// isAdmin grants admin only to callers from loopback: the CP's own network
// namespace. A call through a published Docker port arrives from the
// bridge gateway and is anonymous.
func isAdmin(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (s *Server) issueToken(w http.ResponseWriter, r *http.Request) {
	if !isAdmin(r) {
		writeError(w, http.StatusForbidden, "Access Denied",
			`user "mesh-system:anonymous/mesh-system:unauthenticated" cannot access the resource of type "DataplaneToken"`)
		return
	}
	var req struct {
		Name     string              `json:"name"`
		Mesh     string              `json:"mesh"`
		Tags     map[string][]string `json:"tags"`
		Type     string              `json:"type"`
		ValidFor string              `json:"validFor"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "Bad Request", "Could not parse the request: "+err.Error())
		return
	}
	valid := 10 * 365 * 24 * time.Hour
	if req.ValidFor != "" {
		d, err := time.ParseDuration(req.ValidFor)
		if err != nil {
			badRequest(w, []schema.Invalid{{Field: "validFor", Reason: "must be a valid duration"}})
			return
		}
		valid = d
	}
	if req.Mesh == "" {
		req.Mesh = "default"
	}
	tok := s.sign(claims{Name: req.Name, Mesh: req.Mesh, Tags: req.Tags, Type: req.Type, Exp: time.Now().Add(valid).Unix()})
	w.Header().Set("Content-Type", "text/plain")
	w.Write([]byte(tok))
}

var b64 = base64.RawURLEncoding

func (s *Server) sign(c claims) string {
	head := b64.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	body, _ := json.Marshal(c)
	msg := head + "." + b64.EncodeToString(body)
	mac := hmac.New(sha256.New, s.tokenKey)
	mac.Write([]byte(msg))
	return msg + "." + b64.EncodeToString(mac.Sum(nil))
}

var (
	errTokenRequired = errors.New("Dataplane Token is required. Generate token using 'kumactl generate dataplane-token > /path/file' and provide it via --dataplane-token-file=/path/file argument to Kuma DP")
	errTokenInvalid  = errors.New("Invalid Dataplane Token: could not parse token: signature is invalid (the control plane's signing key changed: it restarted with the memory store, or the token is from another control plane)")
)

// checkToken verifies a sidecar's token for (mesh, name) unless token
// auth is off.
func (s *Server) checkToken(token, mesh, name string) error {
	if s.opts.AuthnNone {
		return nil
	}
	token = strings.TrimSpace(token)
	if token == "" {
		return errTokenRequired
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return errTokenInvalid
	}
	mac := hmac.New(sha256.New, s.tokenKey)
	mac.Write([]byte(parts[0] + "." + parts[1]))
	sig, err := b64.DecodeString(parts[2])
	if err != nil || !hmac.Equal(sig, mac.Sum(nil)) {
		return errTokenInvalid
	}
	var c claims
	raw, _ := b64.DecodeString(parts[1])
	if json.Unmarshal(raw, &c) != nil {
		return errTokenInvalid
	}
	if c.Exp < time.Now().Unix() {
		return errors.New("Invalid Dataplane Token: token is expired")
	}
	if c.Mesh != mesh || (c.Name != "" && c.Name != name) {
		return errors.New("Invalid Dataplane Token: the token was issued for " + c.Mesh + "/" + c.Name + ", not " + mesh + "/" + name)
	}
	return nil
}
