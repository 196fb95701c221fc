package kuma

import "testing"

func TestSame(t *testing.T) {
	d := map[string]any{"a": 1, "d": "1h", "l": []any{map[string]any{"mode": "STRICT", "x": false}}}
	c := map[string]any{"a": 1.0, "d": "1h0m0s", "l": []any{map[string]any{}}, "creationTime": "t"}
	if !Same(d, c) {
		t.Error("equivalent renderings differ")
	}
	c["extra"] = "x"
	if Same(d, c) {
		t.Error("an extra field on the CP went unnoticed")
	}
}
