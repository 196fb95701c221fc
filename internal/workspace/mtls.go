package workspace

// The mesh's mTLS mode is written in two files: kuma.mtls in hmsdev.yaml
// (what the user asks for; verify and doctor hold the running mesh to it)
// and the enabled backend's mode in kuma/mesh-default.yaml (what up
// applies). This file keeps them one truth: CheckMTLS refuses a workspace
// where they differ, SetMTLS changes both, splicing only the mode values.

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/hms-platform/hmsdev/internal/fix"
	"github.com/hms-platform/hmsdev/internal/yamledit"
)

// MeshFile is the Mesh resource up applies, relative to Root.
const MeshFile = "kuma/mesh-default.yaml"

// Kuma's spelling of the modes; an enabled backend without mode: is STRICT
// (the zero value of Kuma's enum).
const (
	ModeStrict     = "STRICT"
	ModePermissive = "PERMISSIVE"
)

// MeshMTLS is what a mesh file says about mTLS.
type MeshMTLS struct {
	// Backend is mtls.enabledBackend; "" when the mesh has no mTLS.
	Backend string
	// Mode is the enabled backend's mode as Kuma reads it: STRICT or
	// PERMISSIVE.
	Mode string
	// Line is where the mode is set (the backend's first line when it
	// has no mode:); without a backend, the line of mtls:, or 0.
	Line int
	// Implicit is true when the backend has no mode: (so STRICT).
	Implicit bool
}

// meshBackend is the enabled mTLS backend's place in a mesh document.
type meshBackend struct {
	mtlsKey *yaml.Node // the mtls: key, nil if absent
	enabled *yaml.Node // mtls.enabledBackend's value, nil if absent
	backend *yaml.Node // the backend mapping that enabledBackend names
	mode    *yaml.Node // its mode: value, nil if absent
}

// parseMesh reads a mesh file's single document; doc keeps positions.
func parseMesh(file string, data []byte) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fix.Wrap(err, file+" is not valid YAML", "fix the syntax at the line the cause names")
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fix.New(file+" does not hold a Mesh", "it should start with type: Mesh and name: default")
	}
	return &doc, nil
}

// findBackend locates the enabled mTLS backend. With no mtls.enabledBackend
// it returns what it found and no error: the mesh simply has no mTLS.
func findBackend(file string, root *yaml.Node) (meshBackend, error) {
	var b meshBackend
	if i := yamledit.KeyIndex(root, "mtls"); i >= 0 {
		b.mtlsKey = root.Content[i]
	}
	mtls := yamledit.Value(root, "mtls")
	b.enabled = yamledit.Value(mtls, "enabledBackend")
	if b.enabled == nil || b.enabled.Value == "" {
		b.enabled = nil
		return b, nil
	}
	if backends := yamledit.Value(mtls, "backends"); backends != nil && backends.Kind == yaml.SequenceNode {
		for _, be := range backends.Content {
			if n := yamledit.Value(be, "name"); n != nil && n.Value == b.enabled.Value {
				b.backend, b.mode = be, yamledit.Value(be, "mode")
				return b, nil
			}
		}
	}
	return b, fix.New(fmt.Sprintf("%s:%d: mtls.enabledBackend %q names no backend in mtls.backends", file, b.enabled.Line, b.enabled.Value),
		"make enabledBackend the name of one of the backends")
}

// ReadMeshMTLS reads the mesh file's mTLS backend and mode.
func ReadMeshMTLS(file string, data []byte) (MeshMTLS, error) {
	doc, err := parseMesh(file, data)
	if err != nil {
		return MeshMTLS{}, err
	}
	b, err := findBackend(file, doc.Content[0])
	switch {
	case err != nil:
		return MeshMTLS{}, err
	case b.enabled == nil && b.mtlsKey != nil:
		return MeshMTLS{Line: b.mtlsKey.Line}, nil
	case b.enabled == nil:
		return MeshMTLS{}, nil
	case b.mode == nil:
		return MeshMTLS{Backend: b.enabled.Value, Mode: ModeStrict, Line: b.backend.Line, Implicit: true}, nil
	}
	return MeshMTLS{Backend: b.enabled.Value, Mode: strings.ToUpper(b.mode.Value), Line: b.mode.Line}, nil
}

// meshData returns the mesh file up applies and its name for messages: the
// file under Root for a workspace on disk (nil if there is none), the
// embedded one for the default workspace (generate copies it to .hmsdev/).
func (w *Workspace) meshData() ([]byte, string, error) {
	if !w.FromDisk {
		return DefaultFiles()[MeshFile], "embedded " + MeshFile, nil
	}
	data, err := os.ReadFile(w.Path(MeshFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, MeshFile, nil
	}
	if err != nil {
		return nil, MeshFile, fix.Wrap(err, "cannot read "+MeshFile, "check the file's permissions")
	}
	return data, MeshFile, nil
}

// MTLSSet reports whether hmsdev.yaml sets kuma.mtls. When it does not,
// the mesh file alone decides and Load takes Config.Kuma.MTLS from it.
func (w *Workspace) MTLSSet() bool { return w.mtlsSet }

// adoptMeshMode fills in an unset kuma.mtls from the mesh file, so verify
// and doctor expect what up applies. A file that cannot be read is left
// to the commands that apply it to report.
func (w *Workspace) adoptMeshMode() {
	data, file, err := w.meshData()
	if err != nil || data == nil {
		return
	}
	if m, err := ReadMeshMTLS(file, data); err == nil && m.Backend != "" {
		w.Config.Kuma.MTLS = strings.ToLower(m.Mode)
	}
}

// CheckMTLS reports an error when hmsdev.yaml's kuma.mtls and the mesh
// file's enabled backend disagree, or the mesh file has no mTLS backend
// while kuma.mtls is set. up, generate and mesh-applying commands call it;
// read-only ones (down, status, logs) do not, so a broken workspace can
// still be inspected and taken down.
func (w *Workspace) CheckMTLS() error {
	if !w.mtlsSet {
		return nil
	}
	data, file, err := w.meshData()
	if err != nil || data == nil {
		return err // no mesh file: up names it when it applies the mesh
	}
	m, err := ReadMeshMTLS(file, data)
	if err != nil {
		return err
	}
	want := strings.ToUpper(w.Config.Kuma.MTLS)
	switch {
	case m.Backend == "":
		return w.noBackendError(file, m.Line)
	case m.Mode != want:
		return w.mismatchError(file, m)
	}
	return nil
}

func (w *Workspace) mismatchError(file string, m MeshMTLS) error {
	set := strings.ToLower(w.Config.Kuma.MTLS)
	mode := "mode " + m.Mode
	if m.Implicit {
		mode = "no mode, which Kuma reads as STRICT"
	}
	return fix.New(fmt.Sprintf("%s and %s disagree on the mesh's mTLS mode: kuma.mtls is %s, but the enabled backend %s has %s (up applies the mesh file, so the mesh would run %s)",
		w.Where("kuma.mtls"), at(file, m.Line), set, m.Backend, mode, m.Mode),
		fmt.Sprintf("run `hmsdev mesh mtls %s` to set both to %s (or `hmsdev mesh mtls %s`), or edit one file to match the other",
			set, set, strings.ToLower(m.Mode)))
}

func (w *Workspace) noBackendError(file string, line int) error {
	what := "has no mtls: section"
	if line > 0 {
		what = "has no mtls.enabledBackend"
	}
	return fix.New(fmt.Sprintf("%s: kuma.mtls is %s, but %s %s, so the mesh would run without mTLS",
		w.Where("kuma.mtls"), w.Config.Kuma.MTLS, at(file, line), what),
		fmt.Sprintf("give %s a builtin CA backend (mtls: {enabledBackend: ca-1, backends: [{name: ca-1, type: builtin, mode: %s}]}), or remove kuma.mtls from %s if the mesh should run without mTLS",
			file, strings.ToUpper(w.Config.Kuma.MTLS), w.File))
}

// at formats file:line, or file alone without a line.
func at(file string, line int) string {
	if line > 0 {
		return fmt.Sprintf("%s:%d", file, line)
	}
	return file
}
