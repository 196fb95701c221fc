package cmd

// The Kuma steps of `up`, and the functions they are made of. Their
// progress goes to the same event sink as the engine's (kind "kuma" for the
// control plane and each resource, "dataplane" for each sidecar), so the
// live view, plain lines and JSON all show them and nothing else writes to
// the terminal meanwhile:
//
//	kumaAPIURL(project)                                        the CP's API on 127.0.0.1
//	waitControlPlane(ctx, events, apiURL, timeout)             *kuma.NotReadyError on timeout
//	applyMeshAndPolicies(ctx, events, apiURL, workspaceRoot)   mesh-default.yaml, then kuma/policies/*
//	waitDataplanesOnline(ctx, events, apiURL, mesh, names, timeout)
//	meshDataplanes(ws)                                         the dataplane names up waits for

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/hms-platform/hmsdev/compose"
	"github.com/hms-platform/hmsdev/internal/fix"
	"github.com/hms-platform/hmsdev/internal/stack"
	"github.com/hms-platform/hmsdev/internal/ui"
	"github.com/hms-platform/hmsdev/internal/workspace"
	"github.com/hms-platform/hmsdev/kuma"
	"github.com/hms-platform/hmsdev/orchestrator"
)

const (
	kumaAPIPort   = 5681
	meshFile      = "kuma/mesh-default.yaml"
	policiesDir   = "kuma/policies"
	cpLogLines    = 30
	defaultCPWait = 2 * time.Minute
	defaultDPWait = 2 * time.Minute
	kumaCPService = workspace.KumaCP
	kumaAPIEnvVar = "HMSDEV_KUMA_API"
	controlPlane  = "control-plane" // the control plane's line in up's progress
)

// kumaAPIURL is the control plane's API as published by the project:
// kuma-cp's container port 5681 on 127.0.0.1 (the workspace may move it).
// HMSDEV_KUMA_API overrides it.
func kumaAPIURL(p *types.Project) (string, error) {
	if v := os.Getenv(kumaAPIEnvVar); v != "" {
		return v, nil
	}
	svc, ok := p.Services[kumaCPService]
	if !ok {
		return "", fix.New("the stack has no kuma-cp service", "run hmsdev in a workspace whose stack includes the Kuma control plane")
	}
	for _, port := range svc.Ports {
		if port.Target == kumaAPIPort && port.Published != "" {
			host := port.HostIP
			if host == "" || host == "0.0.0.0" {
				host = "127.0.0.1"
			}
			return "http://" + host + ":" + port.Published, nil
		}
	}
	return "", fix.New("kuma-cp's API (container port 5681) is not published, so hmsdev cannot reach the control plane",
		"remove the 0 for 5681 under infra.kuma-cp.ports in hmsdev.yaml")
}

// waitControlPlane waits until the control plane's API answers as Kuma and
// the default mesh exists. On timeout it returns a *kuma.NotReadyError, so
// the caller can add the control plane's last log lines.
func waitControlPlane(ctx context.Context, events orchestrator.Sink, apiURL string, timeout time.Duration) error {
	done := events.Step("kuma", controlPlane, "wait", apiURL)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	info, err := kuma.New(apiURL).WaitReady(ctx)
	done(err, fmt.Sprintf("Kuma %s at %s", info.Version, apiURL))
	return err
}

// applyMeshAndPolicies applies kuma/mesh-default.yaml, then every file of
// kuma/policies in name order, one progress line each: created, updated or
// unchanged. A control plane that restarted (memory store) has forgotten
// them, so they are simply created again.
func applyMeshAndPolicies(ctx context.Context, events orchestrator.Sink, apiURL, workspaceRoot string) error {
	files := []string{filepath.Join(workspaceRoot, filepath.FromSlash(meshFile))}
	policies, err := kuma.ResourceFiles(filepath.Join(workspaceRoot, filepath.FromSlash(policiesDir)))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	files = append(files, policies...)
	c := kuma.New(apiURL)
	for _, f := range files {
		docs, err := kuma.ReadDocuments(f, nil)
		if err != nil {
			return err
		}
		for _, d := range docs {
			d.File = relTo(workspaceRoot, d.File)
			if err := applyOne(ctx, events, c, d); err != nil {
				return err
			}
		}
	}
	return nil
}

// appliedAction is the progress action for what an apply did; "keep"
// reads as unchanged, as it does for containers.
var appliedAction = map[kuma.Action]string{kuma.Created: "create", kuma.Updated: "update", kuma.Unchanged: "keep"}

// applyOne applies d and reports it as one finished step (a PUT is quick:
// no working line first).
func applyOne(ctx context.Context, events orchestrator.Sink, c *kuma.Client, d kuma.Document) error {
	start := time.Now()
	res, err := c.Apply(ctx, d)
	if err != nil {
		events.Emit(orchestrator.Finished("kuma", d.Type+"/"+d.Name, "apply", "", start, err))
		return err
	}
	events.Emit(orchestrator.Finished("kuma", res.Type+"/"+res.Name, appliedAction[res.Action], res.File, start, nil))
	return nil
}

// printApplied prints one applied document: a line, or a JSON event.
func printApplied(p *ui.Printer, r kuma.Result) {
	p.Event(map[string]any{"kind": "kuma", "action": "apply", "result": r})
	st := ui.OK
	if r.Action == kuma.Unchanged {
		st = ui.Dim
	}
	p.Linef("%-9s %s/%s (%s)", p.Paint(st, string(r.Action)), r.Type, r.Name, r.File)
}

// waitDataplanesOnline waits until every named dataplane is connected to
// the control plane, one progress line each; on timeout the error names
// those still offline.
func waitDataplanesOnline(ctx context.Context, events orchestrator.Sink, apiURL, mesh string, names []string, timeout time.Duration) error {
	if len(names) == 0 {
		return nil
	}
	tctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	dps := newDataplaneSteps(events, names)
	err := kuma.New(apiURL).WaitOnline(tctx, mesh, names, dps.waiting)
	var oe *kuma.OfflineError
	switch {
	case ctx.Err() != nil:
		dps.fail(ctx.Err(), names)
		return ctx.Err()
	case errors.As(err, &oe):
		dps.fail(errors.New("offline"), oe.Offline)
		dps.fail(errors.New("never registered"), oe.Missing)
		return fix.Wrap(err, fmt.Sprintf("these sidecars did not connect to the control plane within %s: %s",
			timeout, strings.Join(append(oe.Offline, oe.Missing...), ", ")),
			"read the sidecar's log (hmsdev logs NAME-sidecar) for: certificate name mismatch, token required, control plane unreachable, dataplane rejected; hmsdev doctor checks them")
	case err != nil:
		dps.fail(err, names)
		return err
	}
	dps.waiting(nil)
	return nil
}

// dataplaneSteps turns WaitOnline's "still waiting for" callbacks into a
// progress line per dataplane: working while it is awaited (none when it
// is online at the first look), done once it is online.
type dataplaneSteps struct {
	events orchestrator.Sink
	start  time.Time
	names  []string
	state  map[string]string // "", or the state of its line so far
}

func newDataplaneSteps(events orchestrator.Sink, names []string) *dataplaneSteps {
	return &dataplaneSteps{events: events, start: time.Now(), names: names, state: map[string]string{}}
}

// waiting starts a line for each dataplane in still, and finishes that of
// every other one (online now).
func (d *dataplaneSteps) waiting(still []string) {
	for _, n := range d.names {
		switch {
		case d.state[n] == "" && slices.Contains(still, n):
			d.state[n] = orchestrator.Working
			d.events.Emit(orchestrator.Event{Kind: "dataplane", Service: n, Action: "connect", State: orchestrator.Working, Detail: "waiting for its sidecar"})
		case d.state[n] != orchestrator.Done && !slices.Contains(still, n):
			d.state[n] = orchestrator.Done
			d.events.Emit(orchestrator.Finished("dataplane", n, "connect", "online", d.start, nil))
		}
	}
}

// fail finishes the lines of the named dataplanes not online as failed.
func (d *dataplaneSteps) fail(why error, names []string) {
	for _, n := range names {
		if d.state[n] != orchestrator.Done {
			d.state[n] = orchestrator.Failed
			d.events.Emit(orchestrator.Finished("dataplane", n, "connect", "", d.start, why))
		}
	}
}

// meshDataplanes are the dataplanes a whole stack registers: one per
// meshed service, and Kong's gateway.
func meshDataplanes(ws *workspace.Workspace) []string {
	var names []string
	for _, s := range ws.Config.Services {
		if s.Meshed() {
			names = append(names, s.Name)
		}
	}
	return append(names, workspace.Kong)
}

// meshTarget is what up's mesh phases work on: the workspace up loaded and
// the control plane's API URL. A project without a workspace (up -f FILE:
// no mesh files) or without kuma-cp has no mesh: then the workspace is nil,
// with no error, and the phase does nothing.
func (u *upRun) meshTarget() (*workspace.Workspace, string, error) {
	if _, ok := u.project.Services[kumaCPService]; !ok || u.ws == nil {
		return nil, "", nil
	}
	apiURL, err := kumaAPIURL(u.project)
	if err != nil {
		return nil, "", err
	}
	return u.ws, apiURL, nil
}

// meshApply is up's Mesh phase: with kuma-cp started, wait for it, then
// apply the mesh and policies.
func (u *upRun) meshApply(ctx context.Context) error {
	ws, apiURL, err := u.meshTarget()
	if ws == nil || err != nil {
		return err
	}
	if len(u.services) > 0 {
		// up SERVICE skips the infrastructure phase; the sidecars need the CP.
		o := u.opts
		o.Services = []string{kumaCPService}
		if err := u.eng.Up(ctx, u.project, o); err != nil {
			return err
		}
	}
	if err := waitControlPlane(ctx, u.events, apiURL, orDefault(u.opts.WaitTimeout, defaultCPWait)); err != nil {
		return u.withCPLogs(ctx, err)
	}
	return applyMeshAndPolicies(ctx, u.events, apiURL, ws.Root())
}

// meshDataplanes is up's last phase: every dataplane of what was started
// is online.
func (u *upRun) meshDataplanes(ctx context.Context) error {
	ws, apiURL, err := u.meshTarget()
	if ws == nil || err != nil {
		return err
	}
	names := meshDataplanes(ws)
	if len(u.services) > 0 {
		// Only the named services' sidecars (and those they pulled in) were
		// started: wait for those whose sidecar runs.
		states, err := u.eng.Status(ctx, u.project.Name)
		if err != nil {
			return err
		}
		running := map[string]bool{}
		for _, s := range states {
			running[s.Service] = s.State == "running"
		}
		names = slices.DeleteFunc(names, func(n string) bool {
			_, ok := u.project.Services[n+workspace.SidecarSuffix]
			return !ok || !running[n+workspace.SidecarSuffix]
		})
	}
	return waitDataplanesOnline(ctx, u.events, apiURL, ws.Config.Kuma.Mesh, names, orDefault(u.opts.WaitTimeout, defaultDPWait))
}

// withCPLogs adds kuma-cp's last log lines to a not-ready error.
func (u *upRun) withCPLogs(ctx context.Context, err error) error {
	var nr *kuma.NotReadyError
	if !errors.As(err, &nr) {
		return err
	}
	lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	logs := ""
	if cs, err := stack.List(lctx, u.eng.Client(), u.project.Name); err == nil {
		if cp, ok := stack.ByService(cs, kumaCPService); ok {
			logs, _ = stack.Tail(lctx, u.eng.Client(), cp.ID, cpLogLines)
		}
	}
	what := nr.Error()
	if logs = strings.TrimRight(logs, "\n"); logs != "" {
		what += "\n  last log lines of kuma-cp:\n  | " + strings.ReplaceAll(logs, "\n", "\n  | ")
	} else {
		what += "\n  (kuma-cp wrote no logs)"
	}
	return fix.Wrap(nr.Last, what,
		"read kuma-cp's log above; `hmsdev logs kuma-cp` shows all of it. The image must be kong/kuma-cp 2.5 (infra.kuma-cp.image), run with `run`, memory store")
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// relTo shows path relative to root when it lies inside it.
func relTo(root, path string) string {
	if r, err := filepath.Rel(root, path); err == nil && !strings.HasPrefix(r, "..") {
		return filepath.ToSlash(r)
	}
	return path
}

// kumaAPIFor resolves the control plane's API for commands run outside
// up: the --api flag, else HMSDEV_KUMA_API, else the project of ws (the
// workspace in --dir, loaded here when the command has not loaded it).
func kumaAPIFor(flag string, ws *workspace.Workspace) (string, error) {
	if flag != "" {
		return flag, nil
	}
	if v := os.Getenv(kumaAPIEnvVar); v != "" {
		return v, nil
	}
	if ws == nil {
		var err error
		if ws, err = workspace.Load(global.dir); err != nil {
			return "", err
		}
	}
	p, err := compose.Build(ws)
	if err != nil {
		return "", err
	}
	return kumaAPIURL(p)
}
