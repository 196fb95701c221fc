// Package zipkin is the end-to-end tests' stand-in for Zipkin: it collects
// spans in memory through the v2 API and answers the queries the tests and
// `hmsdev verify` make (services, traces, health).
package zipkin

import (
	"sort"
	"sync"
)

// Span is the part of a Zipkin v2 span the stand-in reads; the whole span is
// kept as sent so queries return it unchanged.
type Span struct {
	TraceID       string    `json:"traceId"`
	ID            string    `json:"id"`
	Name          string    `json:"name,omitempty"`
	LocalEndpoint *Endpoint `json:"localEndpoint,omitempty"`
}

// Endpoint names a span's service.
type Endpoint struct {
	ServiceName string `json:"serviceName,omitempty"`
}

// stored is one span: what was parsed and the raw JSON sent.
type stored struct {
	Span
	raw []byte
}

// Store keeps the newest max spans in memory, like Zipkin's in-memory storage
// (MEM_MAX_SPANS). It is safe for concurrent use.
type Store struct {
	mu    sync.Mutex
	max   int
	spans []stored
}

// NewStore returns a store keeping at most max spans (0: 500000, Zipkin's default).
func NewStore(max int) *Store {
	if max <= 0 {
		max = 500000
	}
	return &Store{max: max}
}

func (s *Store) add(spans []stored) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.spans = append(s.spans, spans...)
	if over := len(s.spans) - s.max; over > 0 {
		s.spans = append([]stored(nil), s.spans[over:]...)
	}
}

// Services returns the sorted, distinct localEndpoint service names.
func (s *Store) Services() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := map[string]bool{}
	names := []string{}
	for _, sp := range s.spans {
		if n := sp.service(); n != "" && !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// Traces groups spans by trace id, in order of first arrival, keeping the
// traces that have a span of service (any when empty), at most limit of them.
func (s *Store) Traces(service string, limit int) [][][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	order := []string{}
	byTrace := map[string][][]byte{}
	match := map[string]bool{}
	for _, sp := range s.spans {
		if _, ok := byTrace[sp.TraceID]; !ok {
			order = append(order, sp.TraceID)
		}
		byTrace[sp.TraceID] = append(byTrace[sp.TraceID], sp.raw)
		if service == "" || sp.service() == service {
			match[sp.TraceID] = true
		}
	}
	out := [][][]byte{}
	for _, id := range order {
		if match[id] && (limit <= 0 || len(out) < limit) {
			out = append(out, byTrace[id])
		}
	}
	return out
}

// Trace returns the spans of one trace id.
func (s *Store) Trace(id string) [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out [][]byte
	for _, sp := range s.spans {
		if sp.TraceID == id {
			out = append(out, sp.raw)
		}
	}
	return out
}

func (sp stored) service() string {
	if sp.LocalEndpoint == nil {
		return ""
	}
	return sp.LocalEndpoint.ServiceName
}
