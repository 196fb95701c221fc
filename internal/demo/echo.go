package demo

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
)

// Echo is the JSON body the demo service answers every non-health request
// with. Tests and `hmsdev verify` read it to see what each hop received.
type Echo struct {
	Service    string            `json:"service"`
	Method     string            `json:"method"`
	Path       string            `json:"path"`
	Headers    map[string]string `json:"headers"` // lower-case names, repeated values joined by ", "
	Body       string            `json:"body"`
	RemoteAddr string            `json:"remote_addr"`
	Calls      []CallResult      `json:"calls"`
	Error      string            `json:"error,omitempty"` // set when a call failed (status 502)
}

// CallResult is one downstream call and what it answered.
type CallResult struct {
	Service string `json:"service"`
	URL     string `json:"url"`
	Status  int    `json:"status"` // 0 when no answer came
	// Response is the downstream body as it came (its Echo when it is a
	// demo service, so the order of its fields is kept); a JSON string when
	// the body was not JSON.
	Response json.RawMessage `json:"response,omitempty"`
	Error    string          `json:"error,omitempty"`
}

// OK reports whether the call got a 2xx answer.
func (c CallResult) OK() bool { return c.Status >= 200 && c.Status < 300 }

// headerMap flattens h with lower-case names, the way HTTP/2 and Envoy see them.
func headerMap(h http.Header, host string) map[string]string {
	m := make(map[string]string, len(h)+1)
	for k, v := range h {
		m[strings.ToLower(k)] = strings.Join(v, ", ")
	}
	if host != "" {
		m["host"] = host
	}
	return m
}

// propagated reports whether a request header travels to downstream calls:
// the platform's context headers (x-hms-*) as hms-common-lib does, plus the
// tracing and request-id headers Envoy uses to stitch spans together.
func propagated(name string) bool {
	n := strings.ToLower(name)
	switch {
	case strings.HasPrefix(n, "x-hms-"), strings.HasPrefix(n, "x-b3-"):
		return true
	}
	switch n {
	case "b3", "traceparent", "tracestate", "x-request-id", "x-ot-span-context", "content-type":
		return true
	}
	return false
}

// forwardHeaders copies the propagated headers of in into a new header set.
func forwardHeaders(in http.Header) http.Header {
	out := http.Header{}
	keys := make([]string, 0, len(in))
	for k := range in {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if propagated(k) {
			out[k] = append([]string(nil), in[k]...)
		}
	}
	return out
}
