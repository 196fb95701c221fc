package cmd

import (
	"bytes"
	"encoding/json"

	"github.com/spf13/cobra"

	"github.com/hms-platform/hmsdev/internal/fix"
	"github.com/hms-platform/hmsdev/internal/ui"
	"github.com/hms-platform/hmsdev/kuma"
)

// applyOptions are apply's flags.
type applyOptions struct {
	file   string
	dryRun bool
	api    string
}

func init() {
	var o applyOptions
	cmd := &cobra.Command{
		Use:   "apply -f FILE|DIR|-",
		Short: "Apply Kuma resources (Mesh, policies, dataplanes) from YAML, the way kumactl apply does",
		Long: `apply sends Kuma resources to the control plane the right way for Kuma 2.5:
each document of the YAML (several per file, separated by ---) becomes a JSON
PUT to /meshes/{name} (a Mesh) or /meshes/{mesh}/{type}/{name}. A resource
that already says the same is left alone.

Before anything is sent, every document is checked: its type must exist
(there is no TrafficRetry: use MeshRetry), and for Mesh, Dataplane, MeshRetry,
MeshCircuitBreaker, MeshTimeout, MeshTrace and MeshTrafficPermission every key
must be one Kuma knows, since the control plane drops unknown keys silently.
What the control plane rejects is reported with the file, the document and
each field with its reason.`,
		Example: `  hmsdev apply -f kuma/policies/              # every *.yaml in name order
  hmsdev apply -f retry.yaml --dry-run          # print the PUTs, send nothing
  cat policy.yaml | hmsdev apply -f -`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runApply(cmd, o)
		},
	}
	cmd.Flags().StringVarP(&o.file, "file", "f", "", "a YAML file, a directory of them, or - for stdin (required)")
	cmd.Flags().BoolVar(&o.dryRun, "dry-run", false, "check the documents and print the requests without sending them")
	cmd.Flags().StringVar(&o.api, "api", "", "the control plane's API URL (default: from the workspace, e.g. http://127.0.0.1:5681)")
	_ = cmd.MarkFlagRequired("file")
	rootCmd.AddCommand(cmd)
}

func runApply(cmd *cobra.Command, o applyOptions) error {
	p := printer(cmd)
	docs, err := kuma.ReadDocuments(o.file, cmd.InOrStdin())
	if err != nil {
		return err
	}
	if len(docs) == 0 {
		return fix.New(o.file+" holds no documents", "give a YAML file with at least one resource (type:, name:, mesh:)")
	}
	// Check everything first, so one bad document sends nothing.
	reqs := make([]kuma.Request, len(docs))
	for i, d := range docs {
		if reqs[i], err = kuma.RequestFor(d); err != nil {
			return err
		}
	}
	if o.dryRun {
		printRequests(p, reqs)
		return nil
	}
	api, err := kumaAPIFor(o.api, nil)
	if err != nil {
		return err
	}
	ctx, cancel := signalContext()
	defer cancel()
	c := kuma.New(api)
	results := []kuma.Result{}
	defer func() { p.Event(map[string]any{"results": results}) }()
	for _, d := range docs {
		r, err := c.Apply(ctx, d)
		if err != nil {
			return err
		}
		results = append(results, r)
		st := ui.OK
		if r.Action == kuma.Unchanged {
			st = ui.Dim
		}
		p.Linef("%-9s %s/%s", p.Paint(st, string(r.Action)), r.Type, r.Name)
	}
	return nil
}

// printRequests shows what apply would send: method, path and the JSON body.
func printRequests(p *ui.Printer, reqs []kuma.Request) {
	p.Event(map[string]any{"requests": reqs})
	for _, r := range reqs {
		var body bytes.Buffer
		_ = json.Indent(&body, r.Body, "", "  ")
		p.Linef("%s %s\nContent-Type: application/json\n\n%s\n", r.Method, r.Path, body.String())
	}
}
