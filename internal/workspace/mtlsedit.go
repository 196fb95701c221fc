package workspace

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/hms-platform/hmsdev/internal/fix"
	"github.com/hms-platform/hmsdev/internal/yamledit"
)

// FileChange is a workspace file and the content an edit gives it.
type FileChange struct {
	Rel  string // as messages name it: hmsdev.yaml, kuma/mesh-default.yaml
	Path string
	Old  []byte
	New  []byte
}

// Changed reports whether the edit changes the file.
func (c FileChange) Changed() bool { return !bytes.Equal(c.Old, c.New) }

// SetMTLS works out hmsdev.yaml and the mesh file with the mTLS mode set to
// mode (strict or permissive, any case): kuma.mtls where hmsdev.yaml sets
// it, and the mesh's enabled backend. Only those values change, byte for
// byte; it writes nothing. The built-in workspace has no files of its own
// to change, so it is refused with the way to get them.
func (w *Workspace) SetMTLS(mode string) (config, mesh FileChange, err error) {
	mode = strings.ToUpper(mode)
	if mode != ModeStrict && mode != ModePermissive {
		return config, mesh, fix.New(fmt.Sprintf("mTLS mode %q", strings.ToLower(mode)), "use strict or permissive")
	}
	if !w.FromDisk {
		return config, mesh, fix.New(fmt.Sprintf("there is no workspace in %s (no %s): hmsdev runs its built-in stack, whose mesh file under %s/ every up rewrites, so the mode has nowhere to last", w.Dir, FileName, StateDir),
			"run `hmsdev init` to write the workspace (hmsdev.yaml with kuma.mtls, and "+MeshFile+"), then `hmsdev mesh mtls "+strings.ToLower(mode)+"`")
	}
	if config, err = w.change(FileName, "hmsdev init --force writes a new one"); err != nil {
		return config, mesh, err
	}
	if mesh, err = w.change(MeshFile, "hmsdev init writes it; or restore it from version control"); err != nil {
		return config, mesh, err
	}
	if config.New, err = SetConfigMTLS(FileName, config.Old, strings.ToLower(mode)); err != nil {
		return config, mesh, err
	}
	mesh.New, err = SetMeshMTLS(MeshFile, mesh.Old, mode)
	return config, mesh, err
}

// change reads a workspace file as the start of an edit.
func (w *Workspace) change(rel, hint string) (FileChange, error) {
	c := FileChange{Rel: rel, Path: w.Path(rel)}
	data, err := os.ReadFile(c.Path)
	if err != nil {
		return c, fix.Wrap(err, "cannot read "+rel, hint)
	}
	c.Old, c.New = data, data
	return c, nil
}

// SetConfigMTLS returns hmsdev.yaml's data with kuma.mtls set to mode
// (strict or permissive). Where kuma.mtls is not set the data is returned
// as it is: the mesh file alone decides then.
func SetConfigMTLS(file string, data []byte, mode string) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 {
		return nil, fix.Wrap(err, file+" is not a YAML mapping hmsdev can edit", "fix it (hmsdev generate names the problem) and try again")
	}
	n := yamledit.Value(yamledit.Value(doc.Content[0], "kuma"), "mtls")
	if n == nil || n.ShortTag() == "!!null" || n.Value == mode {
		return data, nil
	}
	return setScalar(file, data, &doc, n, "kuma.mtls", mode)
}

// SetMeshMTLS returns the mesh file's data with the enabled mTLS backend's
// mode set to mode (STRICT or PERMISSIVE): the value replaced where it is
// written, a mode: line added after the backend's name where it is not.
func SetMeshMTLS(file string, data []byte, mode string) ([]byte, error) {
	doc, err := parseMesh(file, data)
	if err != nil {
		return nil, err
	}
	b, err := findBackend(file, doc.Content[0])
	switch {
	case err != nil:
		return nil, err
	case b.enabled == nil:
		line := 0
		if b.mtlsKey != nil {
			line = b.mtlsKey.Line
		}
		return nil, fix.New(at(file, line)+": the mesh has no mTLS backend (mtls.enabledBackend and mtls.backends)",
			"add a builtin backend: mtls: {enabledBackend: ca-1, backends: [{name: ca-1, type: builtin, mode: "+mode+"}]}")
	case b.mode != nil && b.mode.Value == mode, b.mode == nil && mode == ModeStrict:
		return data, nil // a backend without mode: is already STRICT
	case b.mode != nil:
		return setScalar(file, data, doc, b.mode, "the mode of mtls backend "+b.enabled.Value, mode)
	}
	return insertMode(file, data, doc, b, mode)
}

// setScalar splices value in place of scalar n (within doc, parsed from
// data) and checks that the result parses to doc with only that changed.
func setScalar(file string, data []byte, doc, n *yaml.Node, what, value string) ([]byte, error) {
	t := yamledit.New(data)
	e, ok := t.SetScalar(n, value)
	line := n.Line
	n.Value = value // the intended tree
	return checked(file, line, what, value, t.Apply([]yamledit.Edit{e}), doc, ok)
}

// insertMode adds "mode: MODE" to a backend that has none: after its name
// in a block mapping, at the end of a {flow mapping}.
func insertMode(file string, data []byte, doc *yaml.Node, b meshBackend, mode string) ([]byte, error) {
	t := yamledit.New(data)
	kv := []*yaml.Node{
		{Kind: yaml.ScalarNode, Tag: "!!str", Value: "mode"},
		{Kind: yaml.ScalarNode, Tag: "!!str", Value: mode},
	}
	var e yamledit.Edit
	ok := true
	if b.backend.Style&yaml.FlowStyle != 0 {
		e, ok = t.FlowAppend(b.backend, "mode: "+mode)
		b.backend.Content = append(b.backend.Content, kv...)
	} else {
		i := yamledit.KeyIndex(b.backend, "name")
		key, name := b.backend.Content[i], b.backend.Content[i+1]
		e = t.InsertAfter(name.Line, strings.Repeat(" ", key.Column-1)+"mode: "+mode)
		b.backend.Content = slices.Insert(b.backend.Content, i+2, kv...)
	}
	return checked(file, b.backend.Line, "the mode of mtls backend "+b.enabled.Value, mode, t.Apply([]yamledit.Edit{e}), doc, ok)
}

// checked returns out if the edit could be made and out parses to want;
// otherwise it says what to change by hand.
func checked(file string, line int, what, value string, out []byte, want *yaml.Node, ok bool) ([]byte, error) {
	var got yaml.Node
	if ok && yaml.Unmarshal(out, &got) == nil && yamledit.SameTree(&got, want) {
		return out, nil
	}
	return nil, fix.New(fmt.Sprintf("%s:%d: cannot set %s to %s without rewriting what you wrote there; nothing was changed", file, line, what, value),
		fmt.Sprintf("set it to %s by hand", value))
}
