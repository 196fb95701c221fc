package kuma

import (
	"reflect"
	"time"
)

// metaKeys are set by the control plane, never by the document.
var metaKeys = map[string]bool{"creationTime": true, "modificationTime": true}

// Same reports whether the resource the control plane holds (current, as
// GET returns it) already says what the document (desired) says, so a PUT
// would change nothing. It allows for how Kuma renders what it stores:
// durations re-spelt (1h -> 1h0m0s, 24h -> 86400s), numbers as floats,
// and zero values and the zero enum (mTLS mode STRICT) left out.
func Same(desired, current map[string]any) bool {
	return sameMap(desired, current)
}

func sameMap(d, c map[string]any) bool {
	for k, dv := range d {
		cv, ok := c[k]
		if !ok {
			if !isZero(dv) && !(k == "mode" && dv == "STRICT") {
				return false
			}
			continue
		}
		if !sameValue(dv, cv) {
			return false
		}
	}
	for k, cv := range c {
		if _, ok := d[k]; !ok && !metaKeys[k] && !isZero(cv) {
			return false
		}
	}
	return true
}

func sameValue(d, c any) bool {
	switch dv := d.(type) {
	case map[string]any:
		cv, ok := c.(map[string]any)
		return ok && sameMap(dv, cv)
	case []any:
		cv, ok := c.([]any)
		if !ok || len(cv) != len(dv) {
			return false
		}
		for i := range dv {
			if !sameValue(dv[i], cv[i]) {
				return false
			}
		}
		return true
	case string:
		cv, ok := c.(string)
		if !ok {
			return false
		}
		if dv == cv {
			return true
		}
		dd, err1 := time.ParseDuration(dv)
		cd, err2 := time.ParseDuration(cv)
		return err1 == nil && err2 == nil && dd == cd
	}
	if dn, ok := toFloat(d); ok {
		cn, ok := toFloat(c)
		return ok && dn == cn
	}
	return reflect.DeepEqual(d, c)
}

func toFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case uint64:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

// isZero reports whether v is what protobuf's JSON leaves out.
func isZero(v any) bool {
	switch t := v.(type) {
	case nil:
		return true
	case bool:
		return !t
	case string:
		return t == ""
	case map[string]any:
		return len(t) == 0
	case []any:
		return len(t) == 0
	}
	if n, ok := toFloat(v); ok {
		return n == 0
	}
	return false
}
