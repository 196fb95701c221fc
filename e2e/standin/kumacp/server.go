// Package kumacp is a stand-in for Kuma 2.5's control plane (kuma-cp) in
// universal mode with the memory store: the REST API subset hmsdev uses
// (port 5681) with the validation rules of FACTS.md, the diagnostics
// server (5680) and a dataplane server (5678, TLS) that the kuma-dp
// stand-in registers with. It forgets everything when it stops.
package kumacp

import (
	"crypto/rand"
	"encoding/hex"
	"log"
	"net/http"
	"os"
)

// Options configure a Server; Run fills them from the real kuma-cp's env.
type Options struct {
	// AuthnNone turns sidecar token checks off
	// (KUMA_DP_SERVER_AUTHN_DP_PROXY_TYPE=none).
	AuthnNone bool
	// Hostname is reported by GET / and named by the dataplane server's
	// self-signed certificate; default os.Hostname().
	Hostname string
	// SANs are the names a sidecar may dial the dataplane server by; set
	// from the certificate in use. Empty accepts any (tests without TLS).
	SANs []string
	// Log receives the control plane's log lines; default stderr.
	Log *log.Logger
}

// Server is one control plane's state and handlers.
type Server struct {
	opts       Options
	store      *store
	instanceID string
	clusterID  string
	tokenKey   []byte // the signing key of dataplane tokens; lost on restart
}

// New returns a Server holding the default mesh and its default policies,
// as a freshly started kuma-cp does.
func New(opts Options) *Server {
	if opts.Hostname == "" {
		opts.Hostname, _ = os.Hostname()
	}
	if opts.Log == nil {
		opts.Log = log.New(os.Stderr, "", log.LstdFlags|log.LUTC)
	}
	s := &Server{opts: opts, store: newStore(), instanceID: opts.Hostname + "-" + randHex(2),
		clusterID: randHex(16), tokenKey: []byte(randHex(32))}
	s.createMesh(map[string]any{"type": "Mesh", "name": "default"})
	return s
}

func randHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func (s *Server) logf(level, format string, args ...any) {
	s.opts.Log.Printf("\t"+level+"\tkuma-cp\t"+format, args...)
}

// Diagnostics is the 5680 server: /ready and /healthy answer 200 as soon as
// it runs, like Kuma 2.5's (so they prove nothing about the API).
func (s *Server) Diagnostics() http.Handler {
	mux := http.NewServeMux()
	ok := func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) }
	mux.HandleFunc("/ready", ok)
	mux.HandleFunc("/healthy", ok)
	mux.HandleFunc("/metrics", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		w.Write([]byte("# TYPE kuma_cp_info gauge\nkuma_cp_info{product=\"Kuma\"} 1\n"))
	})
	return mux
}
