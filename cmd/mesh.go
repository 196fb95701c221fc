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
	}
	var force bool
	var api string
	mtls := &cobra.Command{
		Use:   "mtls strict|permissive",
		Short: "Switch the mesh's mTLS mode: edit kuma/mesh-default.yaml and apply it",
		Long: `mtls sets the mode of the mesh's builtin CA backend in kuma/mesh-default.yaml
(comments and layout kept) and applies the Mesh to the running control plane.

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
	if mode != "STRICT" && mode != "PERMISSIVE" {
		return fix.New(fmt.Sprintf("mTLS mode %q", strings.ToLower(mode)), "use hmsdev mesh mtls strict, or permissive")
	}
	ws, err := loadWorkspace(global.dir)
	if err != nil {
		return err
	}
	if !ws.FromDisk {
		return fix.New("there is no workspace in "+ws.Dir+": the built-in stack's mesh file is rewritten by every up, so the change would not last",
			"run hmsdev init to write the workspace, then hmsdev mesh mtls "+strings.ToLower(mode))
	}
	path := ws.Path(meshFile)
	data, err := os.ReadFile(path)
	if err != nil {
		return fix.Wrap(err, "cannot read "+meshFile, "hmsdev init writes it; or restore it from version control")
	}
	updated, changed, err := kuma.SetMTLSMode(meshFile, data, mode)
	if err != nil {
		return err
	}
	api, apiErr := kumaAPIFor(apiFlag)
	var c *kuma.Client
	if apiErr == nil {
		c = kuma.New(api)
		if _, err := c.Info(ctx); err != nil {
			apiErr = err
		}
	}
	if mode == "STRICT" && !force {
		if apiErr != nil {
			return fix.Wrap(apiErr, "cannot check what STRICT mTLS would break: the control plane does not answer",
				"start the stack with hmsdev up first, or pass --force to change the file anyway")
		}
		if broken, err := strictBreaks(ctx, c, ws); err != nil {
			return err
		} else if len(broken) > 0 {
			return fix.New("STRICT mTLS would break:\n    - "+strings.Join(broken, "\n    - "),
				"bring the missing sidecars up (hmsdev up; hmsdev status shows which are offline), or pass --force")
		}
	}
	if changed {
		info, _ := os.Stat(path)
		if err := fsutil.WriteAtomic(path, updated, info.Mode().Perm()); err != nil {
			return err
		}
		p.Linef("%s %s: mTLS mode %s", p.Paint(ui.OK, "updated"), meshFile, mode)
	}
	if apiErr != nil {
		p.Event(map[string]any{"kind": "kuma", "action": "mtls", "mode": mode, "file_changed": changed, "applied": false})
		p.Linef("%s the control plane does not answer (%v); the next hmsdev up applies the change", p.Paint(ui.Warn, "not applied:"), apiErr)
		return nil
	}
	docs, err := kuma.ParseDocuments(meshFile, updated)
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
