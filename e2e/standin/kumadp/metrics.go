package kumadp

import (
	"fmt"
	"net/http"
	"sort"
	"sync"
)

// metrics counts connections per listener, for /metrics.
type metrics struct {
	mu sync.Mutex
	c  map[string]*counter
}

func (m *metrics) count(listener string, meshed bool) {
	m.mu.Lock()
	c := m.c[listener]
	if c == nil {
		c = &counter{}
		m.c[listener] = c
	}
	m.mu.Unlock()
	if meshed {
		c.mesh.Add(1)
	} else {
		c.plain.Add(1)
	}
}

// ServeHTTP writes Prometheus text, in the shape of Envoy's stats.
func (m *metrics) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4")
	fmt.Fprintln(w, "# TYPE envoy_server_live gauge\nenvoy_server_live 1")
	fmt.Fprintln(w, "# TYPE envoy_listener_downstream_cx_total counter")
	m.mu.Lock()
	names := make([]string, 0, len(m.c))
	for n := range m.c {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		c := m.c[n]
		fmt.Fprintf(w, "envoy_listener_downstream_cx_total{envoy_listener_address=%q,mtls=\"true\"} %d\n", n, c.mesh.Load())
		fmt.Fprintf(w, "envoy_listener_downstream_cx_total{envoy_listener_address=%q,mtls=\"false\"} %d\n", n, c.plain.Load())
	}
	m.mu.Unlock()
}
