package kuma

import (
	"fmt"
	"strings"

	"github.com/hms-platform/hmsdev/internal/fix"
	"github.com/hms-platform/hmsdev/kuma/schema"
)

// hints say how the replacement of a wrong type is written, since a
// renamed type alone rarely fixes a document written for another shape.
var hints = map[string]string{
	"MeshRetry": "MeshRetry's retries go under spec.to[].default.http " +
		"(numRetries, perTryTimeout, backOff, retryOn: [\"503\"]), with spec.targetRef {kind: Mesh} and " +
		"to[].targetRef {kind: MeshService, name: SERVICE}; it has no from:",
}

// Check finds what the control plane would reject without a useful word or
// drop without any: an unknown type, a missing name or mesh, and keys the
// schema of a checked type does not know.
func Check(d Document) error {
	line := d.Line
	if d.Type == "" {
		return fix.New(fmt.Sprintf("%s: the document has no type:", d.Pos(line)),
			"start the document with type: (Mesh, Dataplane, MeshRetry, ...)")
	}
	t, ok := schema.Lookup(d.Type)
	if !ok {
		return unknownType(d)
	}
	if d.Name == "" {
		return fix.New(fmt.Sprintf("%s: %s has no name:", d.Pos(line), d.Type), "add name: at the top level")
	}
	if t.Name != schema.MeshType && d.Mesh == "" {
		return fix.New(fmt.Sprintf("%s: %s %s has no mesh:", d.Pos(line), d.Type, d.Name),
			"add mesh: default at the top level")
	}
	if t.Legacy {
		if _, ok := d.Body["spec"]; ok {
			return fix.New(fmt.Sprintf("%s: %s is a legacy (flat) type: its spec: is ignored by the control plane",
				d.Pos(keyLine(d, "spec")), d.Type),
				"write sources/destinations/conf at the top level, or use the new-style type "+newStyleFor(d.Type)+" with spec.targetRef")
		}
	}
	if t.Fields == nil {
		return nil
	}
	unknown := schema.UnknownKeys(t.Fields, d.Node)
	if len(unknown) == 0 {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s %s): ", d.Where(), d.Type, d.Name)
	if len(unknown) > 1 {
		fmt.Fprintf(&b, "%d unknown keys (Kuma would drop them silently, so they would have no effect):", len(unknown))
	} else {
		b.WriteString("unknown key (Kuma would drop it silently, so it would have no effect):")
	}
	var fixes []string
	for _, u := range unknown {
		fmt.Fprintf(&b, "\n    %s: %s", d.At(u.Line), u.Path())
		if u.Suggestion != "" {
			fmt.Fprintf(&b, ": did you mean %q?", u.Suggestion)
			fixes = append(fixes, fmt.Sprintf("rename %s to %s", u.Key, u.Suggestion))
		}
	}
	fx := "remove or rename the key"
	if len(fixes) > 0 {
		fx = strings.Join(fixes, "; ")
	}
	return fix.New(b.String(), fx)
}

func unknownType(d Document) error {
	sug := schema.Suggest(d.Type)
	what := fmt.Sprintf("%s: no such type %q in Kuma 2.5", d.Pos(keyLine(d, "type")), d.Type)
	var known []string
	for _, t := range schema.All() {
		if !t.Legacy {
			known = append(known, t.Name)
		}
	}
	fx := ""
	if sug != "" {
		fx = fmt.Sprintf("use type: %s. ", sug)
		if h := hints[sug]; h != "" {
			fx += h + ". "
		}
	}
	fx += "Known types: " + strings.Join(known, ", ") + " (and the legacy Retry, Timeout, CircuitBreaker, TrafficTrace, TrafficPermission, TrafficRoute)"
	return fix.New(what, fx)
}

// newStyleFor names the new-style type that replaces a legacy one.
func newStyleFor(legacy string) string {
	switch legacy {
	case "Retry":
		return "MeshRetry"
	case "Timeout":
		return "MeshTimeout"
	case "CircuitBreaker":
		return "MeshCircuitBreaker"
	case "TrafficTrace":
		return "MeshTrace"
	case "TrafficPermission":
		return "MeshTrafficPermission"
	case "TrafficRoute":
		return "MeshHTTPRoute or MeshTCPRoute"
	}
	return "Mesh" + legacy
}

// keyLine is the line of a top-level key, or the document's first line.
func keyLine(d Document, key string) int {
	if d.Node != nil {
		for i := 0; i+1 < len(d.Node.Content); i += 2 {
			if d.Node.Content[i].Value == key {
				return d.Node.Content[i].Line
			}
		}
	}
	return d.Line
}
