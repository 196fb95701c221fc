package kumacp

import "slices"

// defaultPolicies are the legacy policies Kuma 2.5 creates with every mesh
// unless skipCreatingInitialPolicies names them (or "*").
func defaultPolicies(mesh string) []*resource {
	all := func() []any {
		return []any{map[string]any{"match": map[string]any{"kuma.io/service": "*"}}}
	}
	mk := func(typ, name string, body map[string]any) *resource {
		body["type"], body["mesh"], body["name"] = typ, mesh, name
		return &resource{Type: typ, Mesh: mesh, Name: name, Body: body}
	}
	return []*resource{
		mk("TrafficPermission", "allow-all-"+mesh, map[string]any{"sources": all(), "destinations": all()}),
		mk("TrafficRoute", "route-all-"+mesh, map[string]any{"sources": all(), "destinations": all(),
			"conf": map[string]any{"destination": map[string]any{"kuma.io/service": "*"}, "loadBalancer": map[string]any{"roundRobin": map[string]any{}}}}),
		mk("Timeout", "timeout-all-"+mesh, map[string]any{"sources": all(), "destinations": all(),
			"conf": map[string]any{"connectTimeout": "5s", "tcp": map[string]any{"idleTimeout": "3600s"},
				"http": map[string]any{"requestTimeout": "15s", "idleTimeout": "3600s", "streamIdleTimeout": "1800s"}}}),
		mk("CircuitBreaker", "circuit-breaker-all-"+mesh, map[string]any{"sources": all(), "destinations": all(),
			"conf": map[string]any{"thresholds": map[string]any{"maxConnections": 1024, "maxPendingRequests": 1024, "maxRequests": 1024, "maxRetries": 3}}}),
		mk("Retry", "retry-all-"+mesh, map[string]any{"sources": all(), "destinations": all(),
			"conf": map[string]any{"http": map[string]any{"numRetries": 5, "perTryTimeout": "16s",
				"backOff": map[string]any{"baseInterval": "0.025s", "maxInterval": "0.250s"}}}}),
	}
}

// createMesh stores a new mesh and, unless it opts out, its default policies.
func (s *Server) createMesh(body map[string]any) {
	name := strAt(body, "name")
	s.store.put(&resource{Type: "Mesh", Name: name, Body: body})
	var skip []string
	for _, v := range listAt(body, "skipCreatingInitialPolicies") {
		if str, ok := v.(string); ok {
			skip = append(skip, str)
		}
	}
	for _, p := range defaultPolicies(name) {
		if !slices.Contains(skip, "*") && !slices.Contains(skip, p.Type) {
			s.store.put(p)
		}
	}
}
