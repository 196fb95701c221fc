package compose

import (
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hms-platform/hmsdev/internal/fix"
	"github.com/hms-platform/hmsdev/internal/workspace"
)

// Init writes the default HMS workspace into dir: hmsdev.yaml, the mesh and
// its policies, the dataplanes and kong.yml. Without force it refuses, and
// writes nothing, if any of those files exists.
func Init(dir string, force bool) ([]Change, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fix.Wrap(err, "workspace directory "+dir, "")
	}
	files, err := initFiles(abs)
	if err != nil {
		return nil, err
	}
	if !force {
		if err := refuseExisting(abs, files); err != nil {
			return nil, err
		}
	}
	return Write(abs, files, true)
}

// initFiles are the embedded defaults plus what generate derives from them
// (the compose file is left to generate/up, which also build the demo).
func initFiles(dir string) ([]File, error) {
	var files []File
	defaults := workspace.DefaultFiles()
	for _, name := range slices.Sorted(maps.Keys(defaults)) {
		files = append(files, File{Path: filepath.Join(dir, filepath.FromSlash(name)), Data: defaults[name], Mode: 0o644})
	}
	ws, err := workspace.Parse(workspace.DefaultConfig(), workspace.FileName)
	if err != nil {
		return nil, err
	}
	ws.Dir, ws.FromDisk = dir, true
	dps, err := dataplaneFiles(&ws.Config)
	if err != nil {
		return nil, err
	}
	for _, name := range slices.Sorted(maps.Keys(dps)) {
		files = append(files, File{Path: ws.Path(name), Data: withHeader(dps[name]), Mode: 0o644, Guarded: true})
	}
	files = append(files, File{Path: ws.Path(KongFile), Data: withHeader(marshal(KongConfig(&ws.Config))), Mode: 0o644, Guarded: true})
	return files, nil
}

func refuseExisting(dir string, files []File) error {
	var existing []string
	for _, f := range files {
		if _, err := os.Stat(f.Path); err == nil || !errors.Is(err, fs.ErrNotExist) {
			existing = append(existing, rel(dir, f.Path))
		}
	}
	if len(existing) == 0 {
		return nil
	}
	return fix.New("not writing the workspace: these files already exist in "+dir+": "+strings.Join(existing, ", "),
		"run `hmsdev init --force` to overwrite them, or init into an empty directory (hmsdev init DIR)")
}
