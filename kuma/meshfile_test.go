package kuma

import (
	"strings"
	"testing"
)

func TestSetMTLSModeKeepsComments(t *testing.T) {
	out, changed, err := SetMTLSMode("mesh-default.yaml", []byte(meshYAML), "strict")
	if err != nil || !changed {
		t.Fatalf("%v %v", changed, err)
	}
	s := string(out)
	if !strings.Contains(s, "# the HMS mesh") || !strings.Contains(s, "mode: STRICT # migration") {
		t.Fatalf("comments or mode lost:\n%s", s)
	}
	if _, changed, _ := SetMTLSMode("m", out, "STRICT"); changed {
		t.Error("second set changed the file")
	}
	if _, _, err := SetMTLSMode("m", []byte("type: Mesh\nname: default\n"), "strict"); err == nil {
		t.Error("a mesh without mtls was accepted")
	}
}

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
