package cmd

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/moby/moby/client"

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
order they were written; with -f they are printed as they come until Ctrl-C,
and containers restarted or recreated meanwhile are followed too.`,
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
	cmd.Flags().IntVarP(&opts.Tail, "tail", "n", -1, "only the last N lines of each container (-1: all)")
	cmd.Flags().BoolVarP(&opts.Timestamps, "timestamps", "t", false, "show the time of each line")
	cmd.Flags().StringVarP(&pf.name, "project-name", "p", "", "project name (default: the workspace's)")
	rootCmd.AddCommand(cmd)
}

func showLogs(ctx context.Context, w io.Writer, colour bool, eng *orchestrator.Engine, project string, services []string, o stack.LogOptions) error {
	api := eng.Client()
	all, err := stack.List(ctx, api, project)
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
	f := &follower{api: api, opts: o, streaming: map[string]bool{}, ended: map[string]time.Time{}}
	sources := make([]logs.Source, 0, len(chosen))
	width := 0
	for _, c := range all {
		width = max(width, len(c.Service))
	}
	for _, c := range chosen {
		sources = append(sources, f.source(c, o))
	}
	var more chan logs.Source
	if o.Follow {
		more = make(chan logs.Source)
		go f.watch(ctx, project, services, more)
	}
	return logs.Stream(ctx, w, sources, more, logs.Options{Follow: o.Follow, Colour: colour, Timestamps: show, Width: width})
}

// follower keeps `logs -f` attached while containers come and go: a
// container restarted (its log stream ended) is attached again from where
// it ended, one recreated (a new id, as up does on a change) from its start.
type follower struct {
	api       client.APIClient
	opts      stack.LogOptions
	mu        sync.Mutex
	streaming map[string]bool      // container id -> its log is being copied
	ended     map[string]time.Time // container id -> when its stream ended
}

func (f *follower) source(c stack.Container, o stack.LogOptions) logs.Source {
	f.mu.Lock()
	f.streaming[c.ID] = true
	f.mu.Unlock()
	return logs.Source{Name: c.Service, Copy: func(ctx context.Context, out, errOut io.Writer) error {
		defer func() {
			f.mu.Lock()
			f.streaming[c.ID] = false
			f.ended[c.ID] = time.Now()
			f.mu.Unlock()
		}()
		cfg, err := stack.Inspect(ctx, f.api, c.ID)
		if err != nil {
			return err
		}
		return stack.CopyLogs(ctx, f.api, c.ID, cfg.Tty, o, out, errOut)
	}}
}

// watch polls the project's containers and sends a source for each running
// one of the chosen services whose log is not being copied.
func (f *follower) watch(ctx context.Context, project string, services []string, more chan<- logs.Source) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		all, err := stack.List(ctx, f.api, project)
		if err != nil {
			continue
		}
		chosen, _ := selectContainers(all, services)
		for _, c := range chosen {
			f.mu.Lock()
			busy, end, seen := f.streaming[c.ID], f.ended[c.ID], f.ended[c.ID] != (time.Time{})
			f.mu.Unlock()
			if busy || !c.Running() {
				continue
			}
			o := f.opts
			o.Tail = -1
			o.Since = strconv.FormatInt(c.Created, 10)
			if seen {
				o.Since = fmt.Sprintf("%d.%09d", end.Unix(), end.Nanosecond())
			}
			select {
			case more <- f.source(c, o):
			case <-ctx.Done():
				return
			}
		}
	}
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
