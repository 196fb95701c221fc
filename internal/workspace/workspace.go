package workspace

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/hms-platform/hmsdev/internal/fix"
)

// defaults is the built-in HMS workspace: what `hmsdev init` writes and what
// every command uses where there is no hmsdev.yaml.
//
//go:embed all:defaults
var defaults embed.FS

// StateDir is hmsdev's own directory inside a workspace directory: the demo
// image's build context, and the whole generated stack when the workspace is
// the embedded default (so a bare directory gets one hidden folder, nothing
// else).
const StateDir = ".hmsdev"

// Workspace is a loaded, validated hmsdev.yaml and where its files live.
type Workspace struct {
	// Dir is the directory the user pointed at (--dir), absolute.
	Dir string
	// Config is hmsdev.yaml with defaults filled in.
	Config Config
	// FromDisk is true when Dir holds an hmsdev.yaml; false means the
	// embedded default workspace.
	FromDisk bool
	// File names hmsdev.yaml in error messages.
	File string

	lines   map[string]int // "services.NAME.port" -> line, for errors
	mtlsSet bool           // hmsdev.yaml sets kuma.mtls (see CheckMTLS)
}

// Root is where the workspace's files (kuma/, kong/, docker-compose.yml)
// are read and written: Dir for a workspace on disk, Dir/.hmsdev for the
// embedded default.
func (w *Workspace) Root() string {
	if w.FromDisk {
		return w.Dir
	}
	return filepath.Join(w.Dir, StateDir)
}

// Path returns rel (slash-separated, e.g. "kuma/mesh-default.yaml") under Root.
func (w *Workspace) Path(rel string) string {
	return filepath.Join(w.Root(), filepath.FromSlash(rel))
}

// DemoDir is the demo image's build context.
func (w *Workspace) DemoDir() string { return filepath.Join(w.Dir, StateDir, "demo") }

// ComposeFile is the generated docker-compose.yml.
func (w *Workspace) ComposeFile() string { return w.Path("docker-compose.yml") }

// Where formats "hmsdev.yaml:LINE" for the key path, for error messages.
func (w *Workspace) Where(path string) string {
	if l := w.lines[path]; l > 0 {
		return fmt.Sprintf("%s:%d", w.File, l)
	}
	return w.File
}

// Service returns the service named name, or nil.
func (w *Workspace) Service(name string) *Service {
	for i := range w.Config.Services {
		if w.Config.Services[i].Name == name {
			return &w.Config.Services[i]
		}
	}
	return nil
}

// Load reads DIR/hmsdev.yaml, or the embedded default workspace when there
// is none, fills in defaults and validates it.
func Load(dir string) (*Workspace, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fix.Wrap(err, fmt.Sprintf("workspace directory %s", dir), "pass an existing directory with --dir")
	}
	if st, err := os.Stat(abs); err != nil || !st.IsDir() {
		return nil, fix.Wrap(err, fmt.Sprintf("workspace directory %s does not exist", dir), "create it, or pass an existing directory with --dir")
	}
	data, err := os.ReadFile(filepath.Join(abs, FileName))
	if errors.Is(err, fs.ErrNotExist) {
		ws, err := Parse(DefaultConfig(), "embedded "+FileName)
		if err != nil {
			return nil, err
		}
		ws.Dir = abs
		return ws, nil
	}
	if err != nil {
		return nil, fix.Wrap(err, "cannot read "+filepath.Join(dir, FileName), "check the file's permissions")
	}
	ws, err := Parse(data, FileName)
	if err != nil {
		return nil, err
	}
	ws.Dir, ws.FromDisk = abs, true
	if !ws.mtlsSet {
		ws.adoptMeshMode()
	}
	return ws, nil
}

// Parse decodes hmsdev.yaml's bytes strictly, fills in defaults and
// validates. file names the source in errors. Dir is left empty.
func Parse(data []byte, file string) (*Workspace, error) {
	ws := &Workspace{File: file, lines: map[string]int{}}
	if err := decodeStrict(data, file, &ws.Config, ws.lines); err != nil {
		return nil, err
	}
	ws.mtlsSet = ws.Config.Kuma.MTLS != ""
	applyDefaults(&ws.Config)
	if err := validate(ws); err != nil {
		return nil, err
	}
	return ws, nil
}

// DefaultConfig returns the embedded default hmsdev.yaml.
func DefaultConfig() []byte {
	b, err := defaults.ReadFile("defaults/" + FileName)
	if err != nil {
		panic(err) // embedded at build time
	}
	return b
}

// DefaultFiles returns the embedded default workspace: slash-separated
// paths relative to the workspace (hmsdev.yaml, kuma/...) and their content.
func DefaultFiles() map[string][]byte {
	files := map[string][]byte{}
	err := fs.WalkDir(defaults, "defaults", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := defaults.ReadFile(p)
		files[p[len("defaults/"):]] = b
		return err
	})
	if err != nil {
		panic(err)
	}
	return files
}
