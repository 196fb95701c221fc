package kumacp

import (
	"time"

	"github.com/hms-platform/hmsdev/kuma/schema"
)

const timeFormat = time.RFC3339Nano

// render is a resource as GET returns it: the stored body plus meta, with
// the quirks of Kuma's JSON: the zero enum STRICT left out of a mesh's mTLS
// backends, and durations of new-style policies re-spelt by Go (1h -> 1h0m0s).
func render(r *resource) map[string]any {
	out := copyMap(r.Body)
	out["type"], out["name"] = r.Type, r.Name
	if r.Type != "Mesh" {
		out["mesh"] = r.Mesh
	}
	out["creationTime"] = r.Created.Format(timeFormat)
	out["modificationTime"] = r.Modified.Format(timeFormat)
	if r.Type == "Mesh" {
		for _, b := range listAt(mapAt(out, "mtls"), "backends") {
			if be, ok := b.(map[string]any); ok && be["mode"] == "STRICT" {
				delete(be, "mode")
			}
		}
	}
	if t, ok := schema.Lookup(r.Type); ok && t.Policy && !t.Legacy && t.Fields != nil {
		respell(t.Fields, out)
	}
	return out
}

// respell rewrites duration fields in place as time.Duration.String().
func respell(f *schema.Field, v any) {
	switch f.Kind {
	case schema.Object:
		m, _ := v.(map[string]any)
		for k, val := range m {
			sub := f.Fields[k]
			if sub == nil {
				continue
			}
			if sub.Kind == schema.Duration {
				if s, ok := val.(string); ok {
					if d, err := time.ParseDuration(s); err == nil {
						m[k] = d.String()
					}
				}
				continue
			}
			respell(sub, val)
		}
	case schema.List:
		l, _ := v.([]any)
		for _, e := range l {
			respell(f.Elem, e)
		}
	}
}

// copyMap deep-copies decoded JSON so renders never alias the store.
func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = copyValue(v)
	}
	return out
}

func copyValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		return copyMap(t)
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = copyValue(e)
		}
		return out
	}
	return v
}
