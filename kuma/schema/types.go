// Package schema knows Kuma 2.5's resource types: the URL segment of each,
// which are legacy, and the fields of the ones hmsdev checks before sending
// (the control plane drops unknown fields silently). The client and the
// kuma-cp stand-in share it, so both agree on what a field is.
package schema

import (
	"sort"
	"strings"
)

// Type is one resource type of the Kuma REST API.
type Type struct {
	Name    string // the document's `type:`
	Segment string // the URL segment: /meshes/{mesh}/{segment}/{name}
	Legacy  bool   // old-style policy (sources/destinations/conf), removed in Kuma 3.0
	Policy  bool   // a policy (listed by status), as opposed to Mesh or Dataplane
	// Fields is the known-field schema; nil for types hmsdev does not check.
	Fields *Field
}

// MeshType is the Mesh resource; it alone lives at /meshes/{name}.
const MeshType = "Mesh"

var types = []*Type{
	{Name: MeshType, Segment: "", Fields: meshFields},
	{Name: "Dataplane", Segment: "dataplanes", Fields: dataplaneFields},
	{Name: "MeshRetry", Segment: "meshretries", Policy: true, Fields: meshRetryFields},
	{Name: "MeshCircuitBreaker", Segment: "meshcircuitbreakers", Policy: true, Fields: meshCircuitBreakerFields},
	{Name: "MeshTimeout", Segment: "meshtimeouts", Policy: true, Fields: meshTimeoutFields},
	{Name: "MeshTrace", Segment: "meshtraces", Policy: true, Fields: meshTraceFields},
	{Name: "MeshTrafficPermission", Segment: "meshtrafficpermissions", Policy: true, Fields: meshTrafficPermissionFields},
	{Name: "MeshHTTPRoute", Segment: "meshhttproutes", Policy: true},
	{Name: "MeshTCPRoute", Segment: "meshtcproutes", Policy: true},
	{Name: "MeshHealthCheck", Segment: "meshhealthchecks", Policy: true},
	{Name: "MeshLoadBalancingStrategy", Segment: "meshloadbalancingstrategies", Policy: true},
	{Name: "MeshAccessLog", Segment: "meshaccesslogs", Policy: true},
	{Name: "MeshRateLimit", Segment: "meshratelimits", Policy: true},
	{Name: "MeshFaultInjection", Segment: "meshfaultinjections", Policy: true},
	{Name: "MeshProxyPatch", Segment: "meshproxypatches", Policy: true},
	{Name: "Retry", Segment: "retries", Legacy: true, Policy: true},
	{Name: "CircuitBreaker", Segment: "circuit-breakers", Legacy: true, Policy: true},
	{Name: "Timeout", Segment: "timeouts", Legacy: true, Policy: true},
	{Name: "TrafficTrace", Segment: "traffic-traces", Legacy: true, Policy: true},
	{Name: "TrafficPermission", Segment: "traffic-permissions", Legacy: true, Policy: true},
	{Name: "TrafficRoute", Segment: "traffic-routes", Legacy: true, Policy: true},
	{Name: "TrafficLog", Segment: "traffic-logs", Legacy: true, Policy: true},
	{Name: "HealthCheck", Segment: "health-checks", Legacy: true, Policy: true},
	{Name: "FaultInjection", Segment: "fault-injections", Legacy: true, Policy: true},
	{Name: "RateLimit", Segment: "rate-limits", Legacy: true, Policy: true},
	{Name: "ProxyTemplate", Segment: "proxytemplates", Legacy: true, Policy: true},
}

// replacements are names people write (the seed notes among them) that are
// not Kuma types, mapped to what they most likely meant.
var replacements = map[string]string{
	"TrafficRetry":          "MeshRetry",
	"TrafficTimeout":        "MeshTimeout",
	"TrafficCircuitBreaker": "MeshCircuitBreaker",
	"MeshTrafficTrace":      "MeshTrace",
	"MeshTracing":           "MeshTrace",
	"MeshPermission":        "MeshTrafficPermission",
	"MeshCircuitBreakers":   "MeshCircuitBreaker",
}

// Lookup returns the type called name (exact spelling, as the API requires).
func Lookup(name string) (*Type, bool) {
	for _, t := range types {
		if t.Name == name {
			return t, true
		}
	}
	return nil, false
}

// BySegment returns the type served under the URL segment seg.
func BySegment(seg string) (*Type, bool) {
	for _, t := range types {
		if t.Segment == seg && seg != "" {
			return t, true
		}
	}
	return nil, false
}

// All returns every type, Mesh first, in a stable order.
func All() []*Type { return append([]*Type(nil), types...) }

// Policies returns the policy types, new-style first.
func Policies() []*Type {
	var out []*Type
	for _, t := range types {
		if t.Policy {
			out = append(out, t)
		}
	}
	return out
}

// Suggest names the type that a wrong name most likely meant: a known
// replacement, a case-insensitive match, or the closest spelling.
func Suggest(name string) string {
	if r, ok := replacements[name]; ok {
		return r
	}
	names := make([]string, 0, len(types))
	for _, t := range types {
		if strings.EqualFold(t.Name, name) {
			return t.Name
		}
		names = append(names, t.Name)
	}
	sort.Strings(names)
	return Closest(name, names)
}
