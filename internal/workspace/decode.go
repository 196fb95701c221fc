package workspace

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/hms-platform/hmsdev/internal/fix"
	"github.com/hms-platform/hmsdev/internal/suggest"
)

// decodeStrict decodes hmsdev.yaml into cfg. Unlike yaml's own KnownFields,
// an unknown key names the file, its line, where it sits and the closest
// known key; lines records where each key is set, for validation errors.
func decodeStrict(data []byte, file string, cfg *Config, lines map[string]int) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return fix.Wrap(err, file+": not valid YAML", "fix the syntax at the line the cause names")
	}
	if len(doc.Content) == 0 {
		return fix.New(file+": the file is empty", "run `hmsdev init --force` for a commented example, or delete the file to use the built-in stack")
	}
	d := decoder{file: file, lines: lines}
	return d.value(doc.Content[0], reflect.ValueOf(cfg).Elem(), "")
}

type decoder struct {
	file  string
	lines map[string]int
}

var servicesType = reflect.TypeFor[Services]()

// value decodes n into v; path is the dotted key path of n.
func (d decoder) value(n *yaml.Node, v reflect.Value, path string) error {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	switch {
	case v.Type() == servicesType:
		return d.services(n, v, path)
	case v.Kind() == reflect.Pointer && v.Type().Elem().Kind() == reflect.Struct:
		if isNull(n) {
			return nil
		}
		v.Set(reflect.New(v.Type().Elem()))
		return d.value(n, v.Elem(), path)
	case v.Kind() == reflect.Struct:
		return d.structure(n, v, path)
	}
	// Scalars, lists and maps: yaml checks the types; we add file:line.
	if err := n.Decode(v.Addr().Interface()); err != nil {
		if item, i := badItem(n, v.Type()); item != nil {
			return d.errorf(item, "%s[%d]: expected %s, got %s", path, i, kindName(v.Type().Elem()), describe(item))
		}
		return d.errorf(n, "%s: expected %s, got %s", path, kindName(v.Type()), describe(n))
	}
	d.record(n, path)
	return nil
}

// badItem returns the first item of list n that does not decode into an
// element of slice type t, and its index.
func badItem(n *yaml.Node, t reflect.Type) (*yaml.Node, int) {
	if t.Kind() != reflect.Slice || n.Kind != yaml.SequenceNode {
		return nil, 0
	}
	for i, item := range n.Content {
		if item.Decode(reflect.New(t.Elem()).Interface()) != nil {
			return item, i
		}
	}
	return nil, 0
}

// record notes the line of each item and key inside a list or map value
// ("kong.plugins[0].config.minute"), so validation can point at it.
func (d decoder) record(n *yaml.Node, path string) {
	switch n.Kind {
	case yaml.SequenceNode:
		for i, item := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			d.lines[p] = item.Line
			d.record(item, p)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			p := join(path, n.Content[i].Value)
			d.lines[p] = n.Content[i].Line
			d.record(n.Content[i+1], p)
		}
	}
}

// structure decodes a mapping node into a struct, refusing unknown keys.
func (d decoder) structure(n *yaml.Node, v reflect.Value, path string) error {
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return d.errorf(n, "%s: expected a mapping of keys, got %s", orTop(path), describe(n))
	}
	fields := yamlFields(v.Type())
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		idx, ok := fields[k.Value]
		if !ok {
			return d.unknownKey(k, path, fields)
		}
		p := join(path, k.Value)
		d.lines[p] = k.Line
		if err := d.value(val, v.Field(idx), p); err != nil {
			return err
		}
	}
	return nil
}

// services decodes the services mapping in file order.
func (d decoder) services(n *yaml.Node, v reflect.Value, path string) error {
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return d.errorf(n, "services: expected a mapping of service names, got %s", describe(n))
	}
	var list Services
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		s := Service{Name: k.Value, Line: k.Line}
		p := join(path, k.Value)
		d.lines[p] = k.Line
		if err := d.structure(val, reflect.ValueOf(&s).Elem(), p); err != nil {
			return err
		}
		list = append(list, s)
	}
	v.Set(reflect.ValueOf(list))
	return nil
}

func (d decoder) unknownKey(k *yaml.Node, path string, fields map[string]int) error {
	known := slices.Sorted(maps.Keys(fields))
	what := fmt.Sprintf("%s:%d: unknown key %q %s", d.file, k.Line, k.Value, where(path))
	hint := "known keys here: " + strings.Join(known, ", ")
	if s := closest(k.Value, known); s != "" {
		what += fmt.Sprintf("; did you mean %q?", s)
		hint = fmt.Sprintf("rename it to %q, or remove it (%s)", s, hint)
	}
	return fix.New(what, hint)
}

func (d decoder) errorf(n *yaml.Node, format string, args ...any) error {
	return fix.New(fmt.Sprintf("%s:%d: ", d.file, n.Line)+fmt.Sprintf(format, args...), "")
}

// where says in words where a key path is: "in service X", "in infra.kong".
func where(path string) string {
	parts := strings.Split(path, ".")
	switch {
	case path == "":
		return "at the top level"
	case parts[0] == "services" && len(parts) == 2:
		return "in service " + parts[1]
	case parts[0] == "services" && len(parts) > 2:
		return fmt.Sprintf("in service %s (%s)", parts[1], strings.Join(parts[2:], "."))
	}
	return "in " + path
}

// yamlFields maps each yaml key of a struct type to its field index.
func yamlFields(t reflect.Type) map[string]int {
	m := map[string]int{}
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if name != "" && name != "-" {
			m[name] = i
		}
	}
	return m
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func orTop(path string) string {
	if path == "" {
		return "the top level"
	}
	return path
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	return fmt.Sprintf("%q", n.Value)
}

func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int64, reflect.Uint32:
		return "a whole number"
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a string"
	case reflect.Slice:
		return "a list of " + plural(kindName(t.Elem()))
	case reflect.Map:
		if t.Elem().Kind() == reflect.Interface {
			return "a mapping"
		}
		return "a mapping of " + plural(kindName(t.Elem()))
	}
	return t.String()
}

// plural turns "a mapping of strings" into "mappings of strings".
func plural(s string) string {
	s = strings.TrimPrefix(s, "a ")
	if head, tail, ok := strings.Cut(s, " of "); ok {
		return head + "s of " + tail
	}
	return s + "s"
}

// closest returns the known key nearest to s by edit distance, if it is
// near enough to be a plausible typo (case counts: YAML keys are exact).
func closest(s string, known []string) string {
	best, bestDist := "", len(s)/2+2
	for _, k := range known {
		if d := suggest.Distance(s, k); d < bestDist || (strings.HasPrefix(k, s) && best == "") {
			best, bestDist = k, d
		}
	}
	return best
}
