package cmd

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/spf13/cobra"

	"github.com/hms-platform/hmsdev/internal/ui"
	"github.com/hms-platform/hmsdev/orchestrator"
	"github.com/hms-platform/hmsdev/orchestrator/progress"
)

// projectFlags choose the compose project: the workspace's (default), or
// a compose file given with -f (any compose file, e.g. the generated one).
type projectFlags struct {
	file string // -f: a compose file instead of the workspace
	name string // -p: the project name (down/status need nothing else)
}

func (f *projectFlags) add(c *cobra.Command) {
	c.Flags().StringVarP(&f.file, "file", "f", "", "run this compose file instead of the workspace's stack")
	c.Flags().StringVarP(&f.name, "project-name", "p", "", "project name (default: the workspace's, or the compose file's)")
}

// project loads the compose project. With generate, the workspace's
// generated files are written first (up and restart mount them).
func (f *projectFlags) project(ctx context.Context, pr *ui.Printer, generate bool) (*types.Project, error) {
	if f.file != "" {
		opts := []cli.ProjectOptionsFn{cli.WithOsEnv, cli.WithDotEnv, cli.WithWorkingDirectory(filepath.Dir(f.file))}
		if f.name != "" {
			opts = append(opts, cli.WithName(f.name))
		}
		o, err := cli.NewProjectOptions([]string{f.file}, opts...)
		if err != nil {
			return nil, err
		}
		return o.LoadProject(ctx)
	}
	var p *types.Project
	var err error
	if generate {
		_, p, err = generateProject(pr, global.dir, false)
	} else {
		_, p, err = loadProject(global.dir)
	}
	if err == nil && f.name != "" {
		p.Name = f.name
	}
	return p, err
}

// projectName is -p, else the loaded project's name: down and status work
// from labels, so a name is all they need.
func (f *projectFlags) projectName(ctx context.Context, pr *ui.Printer) (string, error) {
	if f.name != "" {
		return f.name, nil
	}
	p, err := f.project(ctx, pr, false)
	if err != nil {
		return "", fmt.Errorf("%w\n  (give the project name with -p NAME to skip the workspace)", err)
	}
	return p.Name, nil
}

// connect reaches the engine with events going to a progress renderer.
func connect(ctx context.Context, pr *ui.Printer) (*orchestrator.Engine, *progress.Renderer, error) {
	r := progress.New(pr)
	eng, err := orchestrator.Connect(ctx, r.Send)
	if err != nil {
		r.Close()
		return nil, nil, err
	}
	return eng, r, nil
}

// upRun is the state the phases of `up` share.
type upRun struct {
	pr       *ui.Printer
	eng      *orchestrator.Engine
	project  *types.Project
	services []string // as given on the command line; none: all
	opts     orchestrator.UpOptions
}

// phase is one step of up, run in order with a heading each (kind's
// actions): the kuma phases slot in between the container ones.
type phase struct {
	title string
	run   func(u *upRun, ctx context.Context) error
}

// infraServices come up first: the control plane must be ready before the
// mesh is applied and sidecars connect.
var infraServices = []string{"kuma-cp", "zipkin", "postgres", "kafka"}

// Mesh hooks, set by the kuma integration's own file: wait for the control
// plane and apply the mesh (after infra), wait for dataplanes (at the end).
var (
	meshApplyPhase     func(u *upRun, ctx context.Context) error
	meshDataplanePhase func(u *upRun, ctx context.Context) error
)

func upPhases() []phase {
	return []phase{
		{"Preflight", (*upRun).preflight},
		{"Images", (*upRun).images},
		{"Infrastructure", (*upRun).upInfra},
		{"Mesh", meshApplyPhase},
		{"Services", (*upRun).upServices},
		{"Dataplanes", meshDataplanePhase},
	}
}

func (u *upRun) preflight(ctx context.Context) error {
	return u.eng.Preflight(ctx, u.project, u.services...)
}

// images builds or pulls what is missing before anything is created.
func (u *upRun) images(ctx context.Context) error {
	return u.eng.EnsureImages(ctx, u.project, u.opts.ImageKey, u.services...)
}

// upInfra starts the infrastructure the project has, when the whole stack
// is wanted; with named services, their dependencies come up with them.
func (u *upRun) upInfra(ctx context.Context) error {
	var infra []string
	for _, s := range infraServices {
		if _, ok := u.project.Services[s]; ok {
			infra = append(infra, s)
		}
	}
	if len(infra) == 0 || len(u.services) > 0 {
		return nil
	}
	o := u.opts
	o.Services = infra
	return u.eng.Up(ctx, u.project, o)
}

func (u *upRun) upServices(ctx context.Context) error {
	o := u.opts
	o.Services = u.services
	return u.eng.Up(ctx, u.project, o)
}

func init() {
	var pf projectFlags
	var waitTimeout time.Duration
	cmd := &cobra.Command{
		Use:   "up [SERVICE...]",
		Short: "Start the stack (or SERVICEs and what they need) in dependency order and wait until it is ready",
		Long: `up generates the stack from hmsdev.yaml and converges it on Docker: it checks
the engine and the published ports first, builds or pulls missing images,
starts the infrastructure, applies the mesh, then the sidecars, services and
Kong in dependency order, independent ones in parallel, waiting for each to
be ready. Unchanged containers are left alone, so a second up does nothing.
A changed service is recreated together with what shares its network
namespace. When a service fails, up names it, prints its last log lines and
leaves everything as it is for inspection.`,
		Example: `  hmsdev up                        # the whole stack
  hmsdev up hms-auth-bff           # one service and what it depends on
  hmsdev up -f docker-compose.yml  # any compose file, without the workspace
  hmsdev up -o json                # progress as JSON lines`,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := signalContext()
			defer cancel()
			pr := printer(cmd)
			p, err := pf.project(ctx, pr, true)
			if err != nil {
				return err
			}
			eng, r, err := connect(ctx, pr)
			if err != nil {
				return err
			}
			defer eng.Close()
			u := &upRun{pr: pr, eng: eng, project: p, services: args,
				opts: orchestrator.UpOptions{WaitTimeout: waitTimeout}}
			start := time.Now()
			for _, ph := range upPhases() {
				if ph.run == nil {
					continue
				}
				if err := ph.run(u, ctx); err != nil {
					r.Close()
					return err
				}
			}
			r.Close()
			pr.Linef("%s in %s", pr.Paint(ui.OK, "Up"), time.Since(start).Round(10*time.Millisecond))
			return printStatus(ctx, pr, eng, p.Name)
		},
	}
	pf.add(cmd)
	cmd.Flags().DurationVar(&waitTimeout, "wait-timeout", 2*time.Minute, "how long each service may take to become ready")
	rootCmd.AddCommand(cmd)
}

// printStatus prints the closing table: service, state, URLs.
func printStatus(ctx context.Context, pr *ui.Printer, eng *orchestrator.Engine, project string) error {
	states, err := eng.Status(ctx, project)
	if err != nil {
		return err
	}
	pr.Event(map[string]any{"project": project, "containers": states})
	rows := make([][]string, 0, len(states))
	for _, s := range states {
		state := s.State
		if s.Health != "" {
			state += " (" + s.Health + ")"
		}
		st := ui.OK
		if s.State != "running" || (s.Health != "" && s.Health != "healthy") {
			st = ui.Warn
		}
		rows = append(rows, []string{s.Service, pr.Paint(st, state), strings.Join(urls(s), " ")})
	}
	if len(rows) == 0 {
		pr.Linef("project %s has no containers", project)
		return nil
	}
	pr.Table([]string{"SERVICE", "STATE", "URL"}, rows)
	return nil
}

func urls(s orchestrator.ContainerState) []string {
	var out []string
	for _, u := range s.URLs() {
		out = append(out, "http://"+u)
	}
	return out
}
