package compose

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
	"go.yaml.in/yaml/v4"

	"github.com/hms-platform/hmsdev/internal/fix"
	"github.com/hms-platform/hmsdev/internal/fsutil"
	"github.com/hms-platform/hmsdev/internal/workspace"
)

// File is one file hmsdev writes.
type File struct {
	Path string // absolute
	Data []byte
	Mode os.FileMode
	// Guarded files carry a checksum header; a hand edit since hmsdev wrote
	// them is refused rather than overwritten.
	Guarded bool
	// Current says the file on disk is already what it should be, found
	// without reading Data (nil then): the demo binary's copy, 20 MB.
	Current bool
}

// Change reports what generate did to one file.
type Change struct {
	Path   string `json:"path"`   // relative to the workspace directory
	Action string `json:"action"` // written, unchanged or removed
}

// Options tune Generate.
type Options struct {
	// Force overwrites generated files that were edited by hand.
	Force bool
}

// Generate builds ws's project and writes every generated file whose
// content changed, atomically. It checks every file before writing any, so
// a refusal leaves the workspace as it was.
func Generate(ws *workspace.Workspace, opts Options) (*types.Project, []Change, error) {
	p, err := Build(ws)
	if err != nil {
		return nil, nil, err
	}
	files, err := Files(ws, p)
	if err != nil {
		return nil, nil, err
	}
	stale := staleDataplanes(ws, files)
	changes, err := Write(ws.Dir, files, opts.Force)
	if err != nil {
		return nil, nil, err
	}
	for _, path := range stale {
		if err := os.Remove(path); err != nil {
			return nil, nil, fix.Wrap(err, "cannot remove "+path, "")
		}
		changes = append(changes, Change{Path: rel(ws.Dir, path), Action: "removed"})
	}
	return p, changes, nil
}

// Files renders everything generate writes for ws and its project p.
func Files(ws *workspace.Workspace, p *types.Project) ([]File, error) {
	var files []File
	guarded := func(rel string, data []byte) {
		files = append(files, File{Path: ws.Path(rel), Data: withHeader(data), Mode: 0o644, Guarded: true})
	}
	composeYAML, err := relativePaths(p, ws.Root()).MarshalYAML()
	if err != nil {
		return nil, fmt.Errorf("render docker-compose.yml: %w", err)
	}
	guarded("docker-compose.yml", composeYAML)
	dps, err := dataplaneFiles(&ws.Config)
	if err != nil {
		return nil, err
	}
	for _, name := range slices.Sorted(maps.Keys(dps)) {
		guarded(name, dps[name])
	}
	guarded(KongFile, marshal(KongConfig(&ws.Config)))
	if !ws.FromDisk {
		files = append(files, embeddedKumaFiles(ws)...)
	}
	if !ws.FromDisk || hasDemo(&ws.Config) {
		files = append(files, File{Path: filepath.Join(ws.Dir, workspace.StateDir, ".gitignore"), Data: []byte(stateGitignore), Mode: 0o644})
	}
	if hasDemo(&ws.Config) {
		bin, err := demoBinaryFile(filepath.Join(ws.DemoDir(), "hmsdev"))
		if err != nil {
			return nil, err
		}
		files = append(files,
			File{Path: filepath.Join(ws.DemoDir(), "Dockerfile"), Data: []byte(demoDockerfile), Mode: 0o644}, bin)
	}
	return files, nil
}

// dataplaneFiles renders one dataplane per meshed service plus Kong's,
// each checked against Kuma's rules.
func dataplaneFiles(cfg *workspace.Config) (map[string][]byte, error) {
	dps := []Dataplane{KongDataplane(cfg)}
	for i := range cfg.Services {
		if s := &cfg.Services[i]; s.Meshed() {
			dps = append(dps, ServiceDataplane(cfg, s))
		}
	}
	out := map[string][]byte{}
	for _, dp := range dps {
		if err := CheckDataplane(dp); err != nil {
			return nil, fix.Wrap(err, "hmsdev would write an invalid dataplane for "+dp.Name, "check the service's port and calls in hmsdev.yaml")
		}
		out[DataplaneFile(dp.Name)] = marshal(dp)
	}
	return out, nil
}

// embeddedKumaFiles materialises the default mesh and policies under
// .hmsdev/ when there is no workspace, so `up` reads them like any other.
func embeddedKumaFiles(ws *workspace.Workspace) []File {
	var files []File
	defaults := workspace.DefaultFiles()
	for _, name := range slices.Sorted(maps.Keys(defaults)) {
		if strings.HasPrefix(name, "kuma/") {
			files = append(files, File{Path: ws.Path(name), Data: defaults[name], Mode: 0o644})
		}
	}
	return files
}

// Write writes files whose content changed. Unless force, it first refuses
// if any guarded file on disk was edited by hand, naming each, and writes
// nothing.
func Write(dir string, files []File, force bool) ([]Change, error) {
	if !force {
		if err := checkEdits(dir, files); err != nil {
			return nil, err
		}
	}
	var changes []Change
	for _, f := range files {
		if f.Current {
			changes = append(changes, Change{Path: rel(dir, f.Path), Action: "unchanged"})
			continue
		}
		wrote, err := fsutil.WriteIfChanged(f.Path, f.Data, f.Mode)
		if err != nil {
			return changes, fix.Wrap(err, "cannot write "+rel(dir, f.Path), "check the directory's permissions and free space")
		}
		action := "unchanged"
		if wrote {
			action = "written"
		}
		changes = append(changes, Change{Path: rel(dir, f.Path), Action: action})
	}
	return changes, nil
}

func checkEdits(dir string, files []File) error {
	var edited []string
	for _, f := range files {
		if !f.Guarded {
			continue
		}
		old, err := os.ReadFile(f.Path)
		if err != nil || bytes.Equal(old, f.Data) {
			continue // missing (or unreadable: the write will say) or already current
		}
		if !intact(old) {
			edited = append(edited, rel(dir, f.Path))
		}
	}
	if len(edited) == 0 {
		return nil
	}
	return fix.New(
		"these generated files were edited by hand since hmsdev wrote them: "+strings.Join(edited, ", "),
		"to keep a change, make it in hmsdev.yaml (ports, env, calls, routes, images, healthchecks; Kong plugins under kong.plugins or a service's route_plugins) and run `hmsdev generate`; to discard the edits, run `hmsdev generate --force`")
}

// staleDataplanes are dataplane files hmsdev wrote for services that are
// gone from hmsdev.yaml; hand-edited ones are left alone.
func staleDataplanes(ws *workspace.Workspace, files []File) []string {
	want := map[string]bool{}
	for _, f := range files {
		want[f.Path] = true
	}
	paths, _ := filepath.Glob(ws.Path("kuma/dataplanes/*.yaml"))
	var stale []string
	for _, p := range paths {
		if data, err := os.ReadFile(p); err == nil && !want[p] && intact(data) {
			stale = append(stale, p)
		}
	}
	return stale
}

// stateGitignore keeps .hmsdev/ (a copy of the hmsdev binary, a generated
// stack) out of the user's repository.
const stateGitignore = "# hmsdev's own files: the demo image's build context and generated stacks.\n*\n"

const (
	headerLine   = "# Generated by hmsdev from hmsdev.yaml. Edit hmsdev.yaml and run `hmsdev generate`; edits here are refused.\n"
	checksumMark = "# hmsdev-checksum: sha256:"
)

// withHeader prefixes body with the header whose checksum lets a later
// generate tell hmsdev's own output from a hand edit.
func withHeader(body []byte) []byte {
	return append([]byte(headerLine+checksumMark+checksum(body)+"\n"), body...)
}

// intact reports whether data is a generated file that nobody has edited.
func intact(data []byte) bool {
	rest, ok := bytes.CutPrefix(data, []byte(headerLine+checksumMark))
	if !ok {
		return false
	}
	sum, body, ok := bytes.Cut(rest, []byte("\n"))
	return ok && string(sum) == checksum(body)
}

func checksum(body []byte) string {
	h := sha256.Sum256(body)
	return hex.EncodeToString(h[:])
}

// relativePaths returns a copy of p whose bind sources and build contexts
// are relative to root, so the written file is portable (and golden files
// are stable) while Build's project keeps the absolute paths Docker needs.
func relativePaths(p *types.Project, root string) *types.Project {
	cp := *p
	cp.Services = types.Services{}
	for name, s := range p.Services {
		if s.Build != nil {
			b := *s.Build
			b.Context = relPath(root, b.Context)
			s.Build = &b
		}
		vols := make([]types.ServiceVolumeConfig, len(s.Volumes))
		for i, v := range s.Volumes {
			if v.Type == types.VolumeTypeBind {
				v.Source = relPath(root, v.Source)
			}
			vols[i] = v
		}
		if s.Volumes != nil {
			s.Volumes = vols
		}
		cp.Services[name] = s
	}
	return &cp
}

// relPath is target relative to root, "./"-prefixed so compose reads it as
// a path and not as a volume name.
func relPath(root, target string) string {
	r, err := filepath.Rel(root, target)
	if err != nil {
		return target
	}
	r = filepath.ToSlash(r)
	if !strings.HasPrefix(r, "../") {
		r = "./" + r
	}
	return r
}

func rel(dir, path string) string {
	if r, err := filepath.Rel(dir, path); err == nil {
		return filepath.ToSlash(r)
	}
	return path
}

// marshal renders v as YAML with two-space indents. The values are hmsdev's
// own types, which always encode.
func marshal(v any) []byte {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		panic(err)
	}
	enc.Close()
	return buf.Bytes()
}
