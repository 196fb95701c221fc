package schema

import (
	"fmt"
	"sort"

	"go.yaml.in/yaml/v4"
)

// UnknownKey is a key the schema does not know, where it was written.
type UnknownKey struct {
	Parent     string // path of the enclosing object, e.g. spec.to[0].default.http ("" at top)
	Key        string
	Line       int
	Column     int
	Suggestion string // the closest known key there, or ""
}

// Path is the unknown key's full path.
func (u UnknownKey) Path() string { return join(u.Parent, u.Key) }

// UnknownKeys walks a document's root mapping and returns every key f does
// not know, in document order. Values of the wrong shape are left for the
// control plane to report.
func UnknownKeys(f *Field, root *yaml.Node) []UnknownKey {
	var out []UnknownKey
	walkNode(f, root, "", &out)
	return out
}

func walkNode(f *Field, n *yaml.Node, path string, out *[]UnknownKey) {
	if f == nil || n == nil {
		return
	}
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	switch f.Kind {
	case Object:
		if n.Kind != yaml.MappingNode {
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			sub, ok := f.Fields[k.Value]
			if !ok {
				*out = append(*out, UnknownKey{Parent: path, Key: k.Value, Line: k.Line, Column: k.Column,
					Suggestion: Closest(k.Value, keys(f))})
				continue
			}
			walkNode(sub, v, join(path, k.Value), out)
		}
	case List:
		if n.Kind != yaml.SequenceNode {
			return
		}
		for i, e := range n.Content {
			walkNode(f.Elem, e, fmt.Sprintf("%s[%d]", path, i), out)
		}
	case Map:
		if n.Kind != yaml.MappingNode {
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			walkNode(f.Elem, n.Content[i+1], join(path, n.Content[i].Value), out)
		}
	}
}

// Keys returns the known keys of an object field, sorted.
func keys(f *Field) []string {
	out := make([]string, 0, len(f.Fields))
	for k := range f.Fields {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
