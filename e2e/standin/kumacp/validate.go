package kumacp

import (
	"fmt"

	"github.com/hms-platform/hmsdev/kuma/schema"
)

// validate returns what Kuma 2.5 rejects in a resource body: values of the
// wrong kind, then each type's own rules.
func validate(t *schema.Type, body map[string]any) []schema.Invalid {
	if t.Fields != nil {
		if bad := schema.CheckValues(t.Fields, body); len(bad) > 0 {
			return bad
		}
	}
	v := &errs{}
	switch {
	case t.Name == schema.MeshType:
		validateMesh(v, body)
	case t.Name == "Dataplane":
		validateDataplane(v, body)
	case t.Legacy:
		validateLegacy(v, t.Name, body)
	case t.Policy:
		validatePolicy(v, t.Name, mapAt(body, "spec"))
	}
	return v.list
}

// errs collects invalid fields.
type errs struct{ list []schema.Invalid }

func (e *errs) add(field, reason string, args ...any) {
	e.list = append(e.list, schema.Invalid{Field: field, Reason: fmt.Sprintf(reason, args...)})
}

func mapAt(m map[string]any, k string) map[string]any {
	v, _ := m[k].(map[string]any)
	return v
}

func listAt(m map[string]any, k string) []any {
	v, _ := m[k].([]any)
	return v
}

func strAt(m map[string]any, k string) string {
	v, _ := m[k].(string)
	return v
}

func intAt(m map[string]any, k string) int {
	v, _ := m[k].(float64)
	return int(v)
}

func mustType(name string) *schema.Type {
	t, ok := schema.Lookup(name)
	if !ok {
		panic("kumacp: unknown type " + name)
	}
	return t
}
