package cmd

import (
	"github.com/compose-spec/compose-go/v2/types"

	"github.com/hms-platform/hmsdev/compose"
	"github.com/hms-platform/hmsdev/internal/ui"
	"github.com/hms-platform/hmsdev/internal/workspace"
)

// This file is the workspace API for every command:
//
//	loadWorkspace(dir)              hmsdev.yaml (or the built-in stack), validated, mTLS one truth
//	loadProject(dir)                that, plus the compose project; writes nothing
//	generateProject(p, dir, force)  that, after writing the generated files that changed
//
// Commands that start containers (up, restart) use generateProject, so the
// files the containers mount are current; read-only ones (status, logs,
// down) use loadProject. Project paths are absolute; ws.Root() is where
// kuma/ (mesh, policies, dataplanes), kong/ and docker-compose.yml live.

// loadWorkspace loads and validates the workspace in dir for commands that
// generate or apply it (up, generate, the mesh phases): hmsdev.yaml's
// kuma.mtls must agree with kuma/mesh-default.yaml, which up applies.
// Read-only commands go through loadProject without that check, so a
// workspace in that state can still be inspected and taken down.
func loadWorkspace(dir string) (*workspace.Workspace, error) {
	ws, err := workspace.Load(dir)
	if err != nil {
		return nil, err
	}
	if err := ws.CheckMTLS(); err != nil {
		return nil, err
	}
	return ws, nil
}

// loadProject loads the workspace in dir and builds its compose project
// without writing anything.
func loadProject(dir string) (*workspace.Workspace, *types.Project, error) {
	ws, err := workspace.Load(dir)
	if err != nil {
		return nil, nil, err
	}
	p, err := compose.Build(ws)
	if err != nil {
		return nil, nil, err
	}
	return ws, p, nil
}

// generateProject loads the workspace, writes the generated files whose
// content changed (refusing hand-edited ones unless force) and prints each
// file written (with --output json: every file, as one JSON list).
func generateProject(p *ui.Printer, dir string, force bool) (*workspace.Workspace, *types.Project, error) {
	return generate(p, dir, force, false)
}

// generate is generateProject, listing unchanged files too when all
// (the generate command's report).
func generate(p *ui.Printer, dir string, force, all bool) (*workspace.Workspace, *types.Project, error) {
	ws, err := loadWorkspace(dir)
	if err != nil {
		return nil, nil, err
	}
	project, changes, err := compose.Generate(ws, compose.Options{Force: force})
	if err != nil {
		return nil, nil, err
	}
	printChanges(p, changes, all)
	return ws, project, nil
}

// printChanges lists what happened to each file: a line each in text
// (unchanged ones only when all). With --output json, the generate command
// (all) prints one JSON list; up and restart, whose output is a stream of
// JSON lines, print one {"kind":"file"} event per file instead.
func printChanges(p *ui.Printer, changes []compose.Change, all bool) {
	if changes == nil {
		changes = []compose.Change{}
	}
	if all {
		p.Event(changes)
	}
	for _, c := range changes {
		if !all {
			p.Event(fileEvent{Kind: "file", Change: c})
		}
		st := ui.OK
		if c.Action == "unchanged" {
			if !all {
				continue
			}
			st = ui.Dim
		}
		p.Linef("%-9s %s", p.Paint(st, c.Action), c.Path)
	}
}

// fileEvent is one generated file's change in up's JSON event stream.
type fileEvent struct {
	Kind string `json:"kind"`
	compose.Change
}
