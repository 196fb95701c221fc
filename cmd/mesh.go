package cmd

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hms-platform/hmsdev/internal/fix"
	"github.com/hms-platform/hmsdev/internal/fsutil"
	"github.com/hms-platform/hmsdev/internal/ui"
	"github.com/hms-platform/hmsdev/internal/workspace"
	"github.com/hms-platform/hmsdev/kuma"
)

func init() {
	mesh := &cobra.Command{
		Use:   "mesh",
		Short: "Manage the Kuma mesh",
		Example: `  hmsdev mesh mtls strict       # refuse plaintext between services (checks nothing would break)
  hmsdev mesh mtls permissive   # accept plaintext again`,
	}
	var force bool
	var api string
	mtls := &cobra.Command{
		Use:   "mtls strict|permissive",
		Short: "Switch the mesh's mTLS mode: set it in hmsdev.yaml and kuma/mesh-default.yaml, and apply it",
		Long: `mtls sets the mesh's mTLS mode in both places it is written: kuma.mtls in
hmsdev.yaml and the mode of the mesh's builtin CA backend in
kuma/mesh-default.yaml. Only those values change; comments and layout stay.
Then it applies the Mesh to the running control plane. up and generate refuse
a workspace where the two disagree; this command is how to make them agree.

PERMISSIVE: sidecars accept mTLS and plaintext. STRICT: only mTLS, so anything
that reaches a service without its own sidecar fails. Before going strict,
mtls checks that every meshed service's sidecar is online and that Kong reaches
the services through its own sidecar (a DELEGATED gateway dataplane); if not it
lists what would break and changes nothing, unless --force.`,
		Example: `  hmsdev mesh mtls strict
  hmsdev mesh mtls permissive`,
		Args:      cobra.ExactArgs(1),
		ValidArgs: []string{"strict", "permissive"},
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := signalContext()
			defer cancel()
			return runMeshMTLS(ctx, printer(cmd), strings.ToUpper(args[0]), api, force)
		},
	}
	mtls.Flags().BoolVar(&force, "force", false, "go strict even if something would break")
	mtls.Flags().StringVar(&api, "api", "", "the control plane's API URL (default: from the workspace)")
	mesh.AddCommand(mtls)
	rootCmd.AddCommand(mesh)
}

func runMeshMTLS(ctx context.Context, p *ui.Printer, mode, apiFlag string, force bool) error {
	if mode != workspace.ModeStrict && mode != workspace.ModePermissive {
		return fix.New(fmt.Sprintf("mTLS mode %q", strings.ToLower(mode)), "use hmsdev mesh mtls strict, or permissive")
	}
	// Not loadWorkspace: this command is the fix for the mismatch it refuses.
	ws, err := workspace.Load(global.dir)
	if err != nil {
		return err
	}
	config, mesh, err := ws.SetMTLS(mode)
	if err != nil {
		return err
	}
	c, apiErr := reachControlPlane(ctx, apiFlag, ws)
	if mode == workspace.ModeStrict && !force {
		if err := strictPreflight(ctx, c, apiErr, ws); err != nil {
			return err
		}
	}
	if err := writeChanges(config, mesh); err != nil {
		return err
	}
	printMTLSChanges(p, ws, mode, config, mesh)
	if apiErr != nil {
		p.Event(map[string]any{"kind": "kuma", "action": "mtls", "mode": mode, "file_changed": config.Changed() || mesh.Changed(), "applied": false})
		p.Linef("%s the control plane does not answer (%v); the next hmsdev up applies the change", p.Paint(ui.Warn, "not applied:"), apiErr)
		return nil
	}
	docs, err := kuma.ParseDocuments(meshFile, mesh.New)
	if err != nil {
		return err
	}
	for _, d := range docs {
		res, err := c.Apply(ctx, d)
		if err != nil {
			return err
		}
		printApplied(p, res)
	}
	return nil
}

// reachControlPlane returns a client for ws's control plane, or why it
// cannot be reached.
func reachControlPlane(ctx context.Context, apiFlag string, ws *workspace.Workspace) (*kuma.Client, error) {
	api, err := kumaAPIFor(apiFlag, ws)
	if err != nil {
		return nil, err
	}
	c := kuma.New(api)
	if _, err := c.Info(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// strictPreflight refuses STRICT when the control plane cannot tell what
// it would break, or when something would.
func strictPreflight(ctx context.Context, c *kuma.Client, apiErr error, ws *workspace.Workspace) error {
	if apiErr != nil {
		return fix.Wrap(apiErr, "cannot check what STRICT mTLS would break: the control plane does not answer",
			"start the stack with hmsdev up first, or pass --force to change the files anyway")
	}
	broken, err := strictBreaks(ctx, c, ws)
	if err != nil {
		return err
	}
	if len(broken) > 0 {
		return fix.New("STRICT mTLS would break:\n    - "+strings.Join(broken, "\n    - "),
			"bring the missing sidecars up (hmsdev up; hmsdev status shows which are offline), or pass --force")
	}
	return nil
}

// writeChanges writes the files that change. If a later write fails, the
// earlier ones are put back: a half-done switch is the disagreement the
// workspace check refuses.
func writeChanges(changes ...workspace.FileChange) error {
	for i, c := range changes {
		if !c.Changed() {
			continue
		}
		if err := writeKeepingMode(c.Path, c.New); err != nil {
			for _, done := range changes[:i] {
				if done.Changed() {
					_ = writeKeepingMode(done.Path, done.Old)
				}
			}
			return fix.Wrap(err, "cannot write "+c.Rel+"; nothing was changed", "check the file's permissions")
		}
	}
	return nil
}

func writeKeepingMode(path string, data []byte) error {
	perm := os.FileMode(0o644)
	if info, err := os.Stat(path); err == nil {
		perm = info.Mode().Perm()
	}
	return fsutil.WriteAtomic(path, data, perm)
}

// printMTLSChanges says which files changed, and that hmsdev.yaml was left
// alone when it does not set kuma.mtls.
func printMTLSChanges(p *ui.Printer, ws *workspace.Workspace, mode string, config, mesh workspace.FileChange) {
	if config.Changed() {
		p.Linef("%s %s: kuma.mtls %s", p.Paint(ui.OK, "updated"), config.Rel, strings.ToLower(mode))
	} else if !ws.MTLSSet() {
		p.Linef("%s %s does not set kuma.mtls, so %s alone sets the mode", p.Paint(ui.Dim, "note:"), config.Rel, mesh.Rel)
	}
	if mesh.Changed() {
		p.Linef("%s %s: mTLS mode %s", p.Paint(ui.OK, "updated"), mesh.Rel, mode)
	}
}

// strictBreaks lists what would stop working under STRICT mTLS: meshed
// services whose sidecar is not online, Kong not behind its own delegated
// gateway sidecar, and services outside the mesh that call into it.
func strictBreaks(ctx context.Context, c *kuma.Client, ws *workspace.Workspace) ([]string, error) {
	dps, err := c.Dataplanes(ctx, ws.Config.Kuma.Mesh)
	if err != nil {
		return nil, fix.Wrap(err, "cannot list the mesh's dataplanes", "check that kuma-cp runs: hmsdev status")
	}
	byName := map[string]kuma.Dataplane{}
	for _, dp := range dps {
		byName[dp.Name] = dp
	}
	var broken []string
	for _, s := range ws.Config.Services {
		if !s.Meshed() {
			continue
		}
		switch dp, ok := byName[s.Name]; {
		case !ok:
			broken = append(broken, s.Name+": its sidecar never registered with the control plane, so calls to it would fail")
		case !dp.Online:
			broken = append(broken, s.Name+": its sidecar is offline, so calls to it would fail")
		}
	}
	switch kong, ok := byName[workspace.Kong]; {
	case !ok:
		broken = append(broken, "kong: no Kong dataplane: Kong would call the services in plaintext and be refused")
	case kong.Gateway != "DELEGATED":
		broken = append(broken, "kong: its dataplane is not a DELEGATED gateway, so Kong's calls would not carry mTLS")
	case !kong.Online:
		broken = append(broken, "kong: its sidecar is offline, so every route through Kong would fail")
	}
	for _, s := range ws.Config.Services {
		if s.Meshed() {
			continue
		}
		for _, t := range s.Calls {
			if ts := ws.Service(t); ts != nil && ts.Meshed() {
				broken = append(broken, fmt.Sprintf("%s: it is outside the mesh and calls %s, which would refuse its plaintext", s.Name, t))
			}
		}
	}
	for _, dp := range dps {
		if !dp.Online && ws.Service(dp.Name) == nil && dp.Name != workspace.Kong {
			broken = append(broken, dp.Name+": registered but offline")
		}
	}
	return broken, nil
}
