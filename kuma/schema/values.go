package schema

import (
	"fmt"
	"math"
	"time"
)

// Invalid is one field the control plane rejects, in its error body's words.
type Invalid struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// Prune returns v (decoded JSON) without the keys f does not know: what
// Kuma's unmarshalling does to unknown fields, silently.
func Prune(f *Field, v any) any {
	if f == nil {
		return v
	}
	switch f.Kind {
	case Object:
		m, ok := v.(map[string]any)
		if !ok {
			return v
		}
		out := make(map[string]any, len(m))
		for k, val := range m {
			if sub, ok := f.Fields[k]; ok {
				out[k] = Prune(sub, val)
			}
		}
		return out
	case List:
		l, ok := v.([]any)
		if !ok {
			return v
		}
		out := make([]any, len(l))
		for i, e := range l {
			out[i] = Prune(f.Elem, e)
		}
		return out
	}
	return v
}

// CheckValues returns each value in v (decoded JSON) whose kind is not the
// one f expects, with the field's path.
func CheckValues(f *Field, v any) []Invalid {
	var out []Invalid
	checkValue(f, v, "", &out)
	return out
}

func checkValue(f *Field, v any, path string, out *[]Invalid) {
	if f == nil || v == nil || f.Kind == Any {
		return
	}
	bad := func() { *out = append(*out, Invalid{Field: path, Reason: "must be " + f.Kind.String()}) }
	switch f.Kind {
	case Object, Map:
		m, ok := v.(map[string]any)
		if !ok {
			bad()
			return
		}
		for k, val := range m {
			sub := f.Elem
			if f.Kind == Object {
				sub = f.Fields[k]
			}
			checkValue(sub, val, join(path, k), out)
		}
	case List:
		l, ok := v.([]any)
		if !ok {
			bad()
			return
		}
		for i, e := range l {
			checkValue(f.Elem, e, fmt.Sprintf("%s[%d]", path, i), out)
		}
	case String:
		if _, ok := v.(string); !ok {
			bad()
		}
	case Bool:
		if _, ok := v.(bool); !ok {
			bad()
		}
	case Number:
		if _, ok := v.(float64); !ok {
			bad()
		}
	case Int:
		if n, ok := v.(float64); !ok || n != math.Trunc(n) {
			bad()
		}
	case Duration:
		s, ok := v.(string)
		if !ok {
			bad()
			return
		}
		if _, err := time.ParseDuration(s); err != nil {
			bad()
		}
	}
}
