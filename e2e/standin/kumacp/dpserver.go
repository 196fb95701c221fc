package kumacp

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"
)

// The dataplane server (5678) speaks a small stand-in protocol in place of
// bootstrap + xDS, with the same checks the real one makes:
//
//	POST /bootstrap  {mesh, name, dataplaneToken, dataplaneResource}  -> 200 {mesh, name, mtls}
//	POST /xds        same body; registers the dataplane and stays open,
//	                 one JSON line {mtls} per second; closing it marks the
//	                 dataplane disconnected
//	GET  /endpoints?mesh=M&service=S -> [{address, port}] of S's inbounds
//
// Errors are plain text, as the real bootstrap server's are.

// BootstrapRequest is what a sidecar sends.
type BootstrapRequest struct {
	Mesh              string `json:"mesh"`
	Name              string `json:"name"`
	DataplaneToken    string `json:"dataplaneToken"`
	DataplaneResource string `json:"dataplaneResource"` // the dataplane as JSON
}

// Update is one line of the /xds stream.
type Update struct {
	MTLS string `json:"mtls"` // STRICT, PERMISSIVE or "" (off)
}

// Endpoint is one inbound of a service.
type Endpoint struct {
	Address string `json:"address"`
	Port    int    `json:"port"`
}

// DataplaneServer is the 5678 handler (serve it over TLS).
func (s *Server) DataplaneServer() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /bootstrap", s.bootstrap)
	mux.HandleFunc("POST /xds", s.xds)
	mux.HandleFunc("GET /endpoints", s.endpoints)
	return mux
}

// admit runs the checks every sidecar call passes: the address it dialled
// is in the certificate, the token is valid, the dataplane is valid.
func (s *Server) admit(w http.ResponseWriter, r *http.Request) (BootstrapRequest, map[string]any, bool) {
	var req BootstrapRequest
	host, _, err := net.SplitHostPort(r.Host)
	if err != nil {
		host = r.Host
	}
	if len(s.opts.SANs) > 0 && !slices.Contains(s.opts.SANs, host) {
		s.logf("ERROR", "bootstrap: SAN mismatch for %q", host)
		http.Error(w, fmt.Sprintf("A data plane proxy is trying to connect to the control plane using %q address, "+
			"but the certificate in the control plane has the following SANs %q. Either change the --cp-address in kuma-dp "+
			"to one of those or execute the following steps:\n1) Generate a new certificate with the address you are trying "+
			"to use. It is recommended to use trusted Certificate Authority, but you can also generate self-signed "+
			"certificates using 'kumactl generate tls-certificate --type=server --hostname=%s'\n2) Set KUMA_GENERAL_TLS_CERT_FILE "+
			"and KUMA_GENERAL_TLS_KEY_FILE or the equivalent in Kuma CP config file to the new certificate.\n3) Restart the control plane",
			host, s.opts.SANs, host), http.StatusBadRequest)
		return req, nil, false
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, "could not parse the bootstrap request: "+err.Error(), http.StatusBadRequest)
		return req, nil, false
	}
	if err := s.checkToken(req.DataplaneToken, req.Mesh, req.Name); err != nil {
		status := http.StatusUnauthorized
		if err == errTokenRequired {
			status = http.StatusUnprocessableEntity
		}
		s.logf("ERROR", "dataplane %s/%s: %v", req.Mesh, req.Name, err)
		http.Error(w, err.Error(), status)
		return req, nil, false
	}
	var dp map[string]any
	if err := json.Unmarshal([]byte(req.DataplaneResource), &dp); err != nil {
		http.Error(w, "Dataplane entity is invalid: not JSON: "+err.Error(), http.StatusUnprocessableEntity)
		return req, nil, false
	}
	if _, ok := s.store.get("Mesh", "", req.Mesh); !ok {
		http.Error(w, "mesh of name "+req.Mesh+" is not found", http.StatusUnprocessableEntity)
		return req, nil, false
	}
	dp["type"], dp["mesh"], dp["name"] = "Dataplane", req.Mesh, req.Name
	if inv := validate(mustType("Dataplane"), dp); len(inv) > 0 {
		var b strings.Builder
		b.WriteString("Dataplane entity is invalid:")
		for _, i := range inv {
			fmt.Fprintf(&b, " %s: %s;", i.Field, i.Reason)
		}
		s.logf("ERROR", "dataplane %s/%s rejected: %s", req.Mesh, req.Name, b.String())
		http.Error(w, b.String(), http.StatusUnprocessableEntity)
		return req, nil, false
	}
	return req, dp, true
}

func (s *Server) bootstrap(w http.ResponseWriter, r *http.Request) {
	req, _, ok := s.admit(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"mesh": req.Mesh, "name": req.Name, "mtls": s.meshMTLS(req.Mesh)})
}

// xds registers the dataplane (as Kuma does from the proxy's metadata when
// it connects) and keeps the subscription open until the sidecar leaves.
func (s *Server) xds(w http.ResponseWriter, r *http.Request) {
	req, dp, ok := s.admit(w, r)
	if !ok {
		return
	}
	if _, inv := s.upsert("Dataplane", req.Mesh, req.Name, dp); len(inv) > 0 {
		http.Error(w, fmt.Sprintf("Dataplane entity is invalid: %v", inv), http.StatusUnprocessableEntity)
		return
	}
	disconnect := s.store.connect(req.Mesh, req.Name, randHex(8))
	defer disconnect()
	s.logf("INFO", "dataplane %s/%s connected", req.Mesh, req.Name)
	defer s.logf("INFO", "dataplane %s/%s disconnected", req.Mesh, req.Name)
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.WriteHeader(http.StatusOK)
	fl, _ := w.(http.Flusher)
	enc := json.NewEncoder(w)
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		changed := s.store.changed()
		if err := enc.Encode(Update{MTLS: s.meshMTLS(req.Mesh)}); err != nil {
			return
		}
		if fl != nil {
			fl.Flush()
		}
		select {
		case <-r.Context().Done():
			return
		case <-changed:
		case <-tick.C:
		}
	}
}

func (s *Server) endpoints(w http.ResponseWriter, r *http.Request) {
	mesh, service := r.URL.Query().Get("mesh"), r.URL.Query().Get("service")
	out := []Endpoint{}
	for _, dp := range s.store.list("Dataplane", mesh) {
		n := mapAt(dp.Body, "networking")
		for _, in := range listAt(n, "inbound") {
			m, _ := in.(map[string]any)
			if strAt(mapAt(m, "tags"), serviceTag) != service {
				continue
			}
			addr := strAt(m, "address")
			if addr == "" {
				addr = strAt(n, "address")
			}
			out = append(out, Endpoint{Address: addr, Port: intAt(m, "port")})
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// meshMTLS is the mode of the mesh's enabled mTLS backend, "" when off.
func (s *Server) meshMTLS(mesh string) string {
	m, ok := s.store.get("Mesh", "", mesh)
	if !ok {
		return ""
	}
	mtls := mapAt(m.Body, "mtls")
	enabled := strAt(mtls, "enabledBackend")
	if enabled == "" {
		return ""
	}
	for _, b := range listAt(mtls, "backends") {
		be, _ := b.(map[string]any)
		if strAt(be, "name") == enabled && strAt(be, "mode") != "" {
			return strAt(be, "mode")
		}
	}
	return "STRICT"
}
