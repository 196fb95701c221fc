package yamledit

import (
	"testing"

	"go.yaml.in/yaml/v4"
)

func parse(t *testing.T, src string) *yaml.Node {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Content[0]
}

func TestSetScalar(t *testing.T) {
	for name, tc := range map[string]struct{ src, want string }{
		"plain":          {"a: x   # c\n", "a: yes-y   # c\n"},
		"double-quoted":  {"a: \"x\"\n", "a: \"yes-y\"\n"},
		"single-quoted":  {"a: 'x' # c\n", "a: 'yes-y' # c\n"},
		"flow":           {"{b: 1, a: x, c: 2}\n", "{b: 1, a: yes-y, c: 2}\n"},
		"after unicode":  {"é: 1\nb: {é: 2, a: x}\n", "é: 1\nb: {é: 2, a: yes-y}\n"},
		"CRLF, no final": {"b: 1\r\na: x", "b: 1\r\na: yes-y"},
	} {
		root := parse(t, tc.src)
		n := Value(root, "a")
		if n == nil {
			n = Value(Value(root, "b"), "a")
		}
		text := New([]byte(tc.src))
		e, ok := text.SetScalar(n, "yes-y")
		if got := string(text.Apply([]Edit{e})); !ok || got != tc.want {
			t.Errorf("%s: %v %q, want %q", name, ok, got, tc.want)
		}
	}
	for name, src := range map[string]string{
		"block scalar":     "a: |\n  x\n",
		"multi-line quote": "a: \"x\n  y\"\n",
		"not a scalar":     "a: [x]\n",
	} {
		if _, ok := New([]byte(src)).SetScalar(Value(parse(t, src), "a"), "y"); ok {
			t.Errorf("%s: spliced", name)
		}
	}
}

func TestValue(t *testing.T) {
	root := parse(t, "a: {b: 1}\nc: [1]\n")
	if Value(Value(root, "a"), "b").Value != "1" || Value(root, "x") != nil || Value(Value(root, "c"), "b") != nil ||
		Value(nil, "a") != nil || KeyIndex(root, "c") != 2 {
		t.Error("lookups")
	}
}
