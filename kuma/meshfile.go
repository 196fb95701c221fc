package kuma

import (
	"bytes"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/hms-platform/hmsdev/internal/fix"
)

// SetMTLSMode returns the mesh file data with the mode of its enabled mTLS
// backend set to mode (STRICT or PERMISSIVE), editing the YAML tree so
// comments and key order stay. It reports whether anything changed.
func SetMTLSMode(file string, data []byte, mode string) ([]byte, bool, error) {
	mode = strings.ToUpper(mode)
	if mode != "STRICT" && mode != "PERMISSIVE" {
		return nil, false, fix.New(fmt.Sprintf("mTLS mode %q", mode), "use strict or permissive")
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, false, fix.Wrap(err, file+" is not valid YAML", "fix the syntax at the line the cause names")
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, false, fix.New(file+" does not hold a Mesh", "it should start with type: Mesh and name: default")
	}
	root := doc.Content[0]
	mtls := child(root, "mtls")
	enabled := child(mtls, "enabledBackend")
	backends := child(mtls, "backends")
	if enabled == nil || backends == nil || backends.Kind != yaml.SequenceNode {
		return nil, false, fix.New(file+": the mesh has no mTLS backend (mtls.enabledBackend and mtls.backends)",
			"add a builtin backend: mtls: {enabledBackend: ca-1, backends: [{name: ca-1, type: builtin, mode: PERMISSIVE}]}")
	}
	for _, b := range backends.Content {
		if n := child(b, "name"); n == nil || n.Value != enabled.Value {
			continue
		}
		m := child(b, "mode")
		if m == nil {
			b.Content = append(b.Content,
				&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "mode"},
				&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: mode})
			return encode(&doc)
		}
		if m.Value == mode {
			return data, false, nil
		}
		m.Value, m.Style = mode, 0
		return encode(&doc)
	}
	return nil, false, fix.New(fmt.Sprintf("%s:%d: mtls.enabledBackend %q names no backend in mtls.backends", file, enabled.Line, enabled.Value),
		"make enabledBackend the name of one of the backends")
}

func encode(doc *yaml.Node) ([]byte, bool, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, false, err
	}
	if err := enc.Close(); err != nil {
		return nil, false, err
	}
	return buf.Bytes(), true, nil
}

// child returns the value of key in mapping n, or nil.
func child(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}
