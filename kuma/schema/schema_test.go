package schema

import (
	"testing"

	"go.yaml.in/yaml/v4"
)

func TestSuggest(t *testing.T) {
	for in, want := range map[string]string{
		"TrafficRetry": "MeshRetry", "meshretry": "MeshRetry", "MeshTimout": "MeshTimeout", "Zzzzzzzzzzzzzzzzzzzz": "",
	} {
		if got := Suggest(in); got != want {
			t.Errorf("Suggest(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestUnknownKeysWithPositions(t *testing.T) {
	var n yaml.Node
	src := "type: MeshTimeout\nmesh: default\nname: t\nspec:\n  targetRef: {kind: Mesh}\n  to:\n    - targetRef: {kind: Mesh}\n      default:\n        conectionTimeout: 5s\n        http: {requestTimeout: 1s}\n"
	if err := yaml.Unmarshal([]byte(src), &n); err != nil {
		t.Fatal(err)
	}
	mt, _ := Lookup("MeshTimeout")
	got := UnknownKeys(mt.Fields, n.Content[0])
	if len(got) != 1 || got[0].Path() != "spec.to[0].default.conectionTimeout" || got[0].Line != 9 || got[0].Suggestion != "connectionTimeout" {
		t.Fatalf("%+v", got)
	}
}

func TestCheckValuesAndPrune(t *testing.T) {
	mr, _ := Lookup("MeshRetry")
	v := map[string]any{"spec": map[string]any{"to": []any{map[string]any{"default": map[string]any{
		"http": map[string]any{"numRetries": 2.5, "perTryTimeout": "soon", "typo": 1}}}}}}
	bad := CheckValues(mr.Fields, v)
	if len(bad) != 2 {
		t.Fatalf("%+v", bad)
	}
	pruned := Prune(mr.Fields, v).(map[string]any)
	http := pruned["spec"].(map[string]any)["to"].([]any)[0].(map[string]any)["default"].(map[string]any)["http"].(map[string]any)
	if _, ok := http["typo"]; ok {
		t.Error("unknown key kept")
	}
}
