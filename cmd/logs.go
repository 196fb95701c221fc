package cmd

import (
	"context"
	"io"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hms-platform/hmsdev/internal/fix"
	"github.com/hms-platform/hmsdev/internal/logs"
	"github.com/hms-platform/hmsdev/internal/stack"
	"github.com/hms-platform/hmsdev/internal/workspace"
	"github.com/hms-platform/hmsdev/orchestrator"
)

func init() {
	var (
		pf   projectFlags
		opts stack.LogOptions
	)
	cmd := &cobra.Command{
		Use:   "logs [SERVICE...]",
		Short: "Show the containers' logs, interleaved, each line behind its service's name",
		Long: `logs shows the logs of the project's containers, or of the services named,
each line behind its service's name (coloured on a terminal; plain when piped
or NO_COLOR is set). Naming a meshed service shows its sidecar too, as
SERVICE-sidecar. Without -f the lines of all services are printed in the
order they were written; with -f they are printed as they come until Ctrl-C.`,
		Example: `  hmsdev logs                              # everything so far
  hmsdev logs -f hms-auth-bff              # the service and its sidecar, live
  hmsdev logs --since 5m --tail 20 kuma-cp`,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := signalContext()
			defer cancel()
			name, err := pf.projectName(ctx, printer(cmd))
			if err != nil {
				return err
			}
			eng, err := orchestrator.Connect(ctx, nil)
			if err != nil {
				return err
			}
			defer eng.Close()
			return showLogs(ctx, cmd.OutOrStdout(), printer(cmd).Styled(), eng, name, args, opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.Follow, "follow", "f", false, "keep printing lines as they are written")
	cmd.Flags().StringVar(&opts.Since, "since", "", "only lines since a time (2026-01-02T15:04:05) or a duration ago (10m)")
	cmd.Flags().IntVarP(&opts.Tail, "tail", "n", -1, "only the last N lines of each container (default all)")
	cmd.Flags().BoolVarP(&opts.Timestamps, "timestamps", "t", false, "show the time of each line")
	cmd.Flags().StringVarP(&pf.name, "project-name", "p", "", "project name (default: the workspace's)")
	rootCmd.AddCommand(cmd)
}

func showLogs(ctx context.Context, w io.Writer, colour bool, eng *orchestrator.Engine, project string, services []string, o stack.LogOptions) error {
	all, err := stack.List(ctx, eng.Client(), project)
	if err != nil {
		return fix.Wrap(err, "cannot list the containers of project "+project, "check the Docker Engine answers: `docker info`")
	}
	if len(all) == 0 {
		return fix.New("project "+project+" has no containers", "start it with `hmsdev up`")
	}
	chosen, err := selectContainers(all, services)
	if err != nil {
		return err
	}
	// The engine's timestamps let the lines of all services be put in order;
	// the stream drops them again unless -t asked for them.
	show := o.Timestamps
	o.Timestamps = true
	sources := make([]logs.Source, 0, len(chosen))
	for _, c := range chosen {
		cfg, err := stack.Inspect(ctx, eng.Client(), c.ID)
		if err != nil {
			return fix.Wrap(err, "cannot inspect container "+c.Name, "")
		}
		sources = append(sources, logs.Source{Name: c.Service, Copy: func(ctx context.Context, out, errOut io.Writer) error {
			return stack.CopyLogs(ctx, eng.Client(), c.ID, cfg.Tty, o, out, errOut)
		}})
	}
	return logs.Stream(ctx, w, sources, logs.Options{Follow: o.Follow, Colour: colour, Timestamps: show})
}

// selectContainers keeps the containers of the named services, each with
// its sidecar; none named keeps all.
func selectContainers(all []stack.Container, services []string) ([]stack.Container, error) {
	if len(services) == 0 {
		return all, nil
	}
	var out []stack.Container
	for _, s := range services {
		n := len(out)
		for _, c := range all {
			if c.Service == s || c.Service == s+workspace.SidecarSuffix {
				out = append(out, c)
			}
		}
		if len(out) == n {
			return nil, fix.New("no container of service "+s, "the project's services are: "+strings.Join(serviceNames(all), ", "))
		}
	}
	return out, nil
}

func serviceNames(cs []stack.Container) []string {
	seen := map[string]bool{}
	var names []string
	for _, c := range cs {
		if !seen[c.Service] {
			seen[c.Service] = true
			names = append(names, c.Service)
		}
	}
	sort.Strings(names)
	return names
}
