package cmd

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"time"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/spf13/cobra"

	"github.com/hms-platform/hmsdev/internal/ui"
	"github.com/hms-platform/hmsdev/internal/workspace"
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

// project loads the compose project and the workspace it came from (nil
// for a compose file given with -f). With generate, the workspace's
// generated files are written first (up and restart mount them).
func (f *projectFlags) project(ctx context.Context, pr *ui.Printer, generate bool) (*workspace.Workspace, *types.Project, error) {
	if f.file != "" {
		opts := []cli.ProjectOptionsFn{cli.WithOsEnv, cli.WithDotEnv, cli.WithWorkingDirectory(filepath.Dir(f.file))}
		if f.name != "" {
			opts = append(opts, cli.WithName(f.name))
		}
		o, err := cli.NewProjectOptions([]string{f.file}, opts...)
		if err != nil {
			return nil, nil, err
		}
		p, err := o.LoadProject(ctx)
		if err != nil {
			return nil, nil, err
		}
		ws, err := meshWorkspace(p)
		return ws, p, err
	}
	load := loadProject
	if generate {
		load = func(dir string) (*workspace.Workspace, *types.Project, error) { return generateProject(pr, dir, false) }
	}
	ws, p, err := load(global.dir)
	if err == nil && f.name != "" {
		p.Name = f.name
	}
	return ws, p, err
}

// meshWorkspace is the workspace whose mesh files up applies to a compose
// file given with -f: the one in --dir, when the file runs a control plane
// and such a workspace exists on disk; nil otherwise (no mesh phases).
func meshWorkspace(p *types.Project) (*workspace.Workspace, error) {
	if _, ok := p.Services[kumaCPService]; !ok {
		return nil, nil
	}
	ws, err := loadWorkspace(global.dir)
	if err != nil || !ws.FromDisk {
		return nil, err
	}
	return ws, nil
}

// projectName is -p, else the loaded project's name: down and status work
// from labels, so a name is all they need.
func (f *projectFlags) projectName(ctx context.Context, pr *ui.Printer) (string, error) {
	if f.name != "" {
		return f.name, nil
	}
	_, p, err := f.project(ctx, pr, false)
	if err != nil {
		return "", fmt.Errorf("%w\n  (give the project name with -p NAME to skip the workspace)", err)
	}
	return p.Name, nil
}

// connectProject loads the project (and its workspace, nil for -f FILE),
// writing the workspace's generated files first (up and restart mount
// them), then reaches the engine.
func (f *projectFlags) connectProject(ctx context.Context, pr *ui.Printer) (*workspace.Workspace, *types.Project, *orchestrator.Engine, *progress.Renderer, error) {
	ws, p, err := f.project(ctx, pr, true)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	eng, r, err := connect(ctx, pr)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	return ws, p, eng, r, nil
}

// connectProjectName finds the project's name (projectName), then reaches
// the engine: down and status work from labels alone.
func (f *projectFlags) connectProjectName(ctx context.Context, pr *ui.Printer) (string, *orchestrator.Engine, *progress.Renderer, error) {
	name, err := f.projectName(ctx, pr)
	if err != nil {
		return "", nil, nil, err
	}
	eng, r, err := connect(ctx, pr)
	if err != nil {
		return "", nil, nil, err
	}
	return name, eng, r, nil
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
	// ws is the workspace the project was generated from; nil for a
	// compose file given with -f, which has no mesh files to apply.
	ws       *workspace.Workspace
	eng      *orchestrator.Engine
	events   orchestrator.Sink // the renderer's: the only writer while up runs
	project  *types.Project
	services []string // as given on the command line; none: all
	opts     orchestrator.UpOptions
}

// phase is one step of up, run in order (kind's actions).
type phase struct {
	title string
	run   func(u *upRun, ctx context.Context) error
}

// infraServices come up first: the control plane must be ready before the
// mesh is applied and sidecars connect.
var infraServices = []string{"kuma-cp", "zipkin", "postgres", "kafka"}

// upPhases are up's steps in DESIGN.md's order. The Kuma ones
// (kuma_phases.go) do nothing for a project without kuma-cp.
func upPhases() []phase {
	return []phase{
		{"Preflight", (*upRun).preflight},
		{"Images", (*upRun).images},
		{"Orphans", (*upRun).removeOrphans},
		{"Infrastructure", (*upRun).upInfra},
		{"Mesh", (*upRun).meshApply},
		{"Services", (*upRun).upServices},
		{"Dataplanes", (*upRun).meshDataplanes},
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

// removeOrphans removes the containers of services no longer in the
// project (like compose's --remove-orphans) before anything is created, so
// none lingers or holds a port a service now publishes itself.
func (u *upRun) removeOrphans(ctx context.Context) error {
	_, err := u.eng.RemoveOrphans(ctx, u.project, nil)
	return err
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
removes the containers of services no longer in the project (orphans, e.g.
a sidecar after mesh: false), starts the infrastructure, waits for the Kuma
control plane and applies the mesh and policies, then starts the sidecars,
services and Kong in dependency order, independent ones in parallel, waiting
for each to be ready, and waits until every dataplane is online. It ends
with where everything is: Kong, the Kuma GUI, Zipkin and each service.
Unchanged containers are left alone, so a second up does nothing. A changed
service is recreated together with what shares its network namespace. When
a service fails, up names it, prints its last log lines and leaves
everything as it is for inspection.`,
		Example: `  hmsdev up                        # the whole stack
  hmsdev up hms-auth-bff           # one service and what it depends on
  hmsdev up -f docker-compose.yml  # any compose file, without the workspace
  hmsdev up -o json                # progress as JSON lines`,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := signalContext()
			defer cancel()
			pr := printer(cmd)
			ws, p, eng, r, err := pf.connectProject(ctx, pr)
			if err != nil {
				return err
			}
			defer eng.Close()
			u := &upRun{ws: ws, eng: eng, events: r.Send, project: p, services: args,
				opts: orchestrator.UpOptions{WaitTimeout: waitTimeout}}
			start := time.Now()
			for _, ph := range upPhases() {
				if err := ph.run(u, ctx); err != nil {
					r.Close()
					return interrupted(ctx, err, "up", "run `hmsdev up` again: it converges from whatever was created")
				}
			}
			r.Close()
			pr.Linef("%s in %s", pr.Paint(ui.OK, "Up"), time.Since(start).Round(10*time.Millisecond))
			return interrupted(ctx, printEndpoints(ctx, pr, eng, p), "up", "`hmsdev status` shows where everything is")
		},
	}
	pf.add(cmd)
	cmd.Flags().DurationVar(&waitTimeout, "wait-timeout", 2*time.Minute, "how long each service may take to become ready")
	rootCmd.AddCommand(cmd)
}

// endpoint is one line of up's closing summary: where a part of the stack
// answers, and the state of the container behind it.
type endpoint struct {
	Name    string `json:"name"`
	URL     string `json:"url,omitempty"`
	Service string `json:"service"`
	State   string `json:"state"`
}

// knownPort names a service's container port and how to reach it.
type knownPort struct {
	service string
	target  uint32
	name    string
	url     string // with %s for host:port
}

// knownPorts are the stack's UIs and APIs, listed first, in this order.
var knownPorts = []knownPort{
	{workspace.Kong, 8000, "Kong proxy", "http://%s"},
	{workspace.Kong, 8001, "Kong admin", "http://%s"},
	{kumaCPService, kumaAPIPort, "Kuma GUI", "http://%s/gui/"},
	{kumaCPService, 5680, "Kuma diagnostics", "http://%s"},
	{"zipkin", 9411, "Zipkin UI", "http://%s/zipkin/"},
	{"postgres", 5432, "Postgres", "%s"},
	{"kafka", 29092, "Kafka", "%s"},
}

// printEndpoints prints where everything is, from the project's published
// ports (so hmsdev.yaml's port overrides show), with each container's state.
func printEndpoints(ctx context.Context, pr *ui.Printer, eng *orchestrator.Engine, p *types.Project) error {
	states, err := eng.Status(ctx, p.Name)
	if err != nil {
		return err
	}
	eps := endpoints(p, states)
	pr.Event(map[string]any{"project": p.Name, "endpoints": eps, "containers": states})
	rows := make([][]string, 0, len(eps))
	for _, e := range eps {
		st := ui.OK
		if e.State != "running" && e.State != "running (healthy)" {
			st = ui.Warn
		}
		rows = append(rows, []string{e.Name, e.URL, pr.Paint(st, e.State)})
	}
	pr.Table([]string{"WHAT", "URL", "STATE"}, rows)
	return nil
}

// endpoints lists every service but the namespace owners (sidecars: their
// ports are their app's), one line per published port, known ones first.
func endpoints(p *types.Project, states []orchestrator.ContainerState) []endpoint {
	byService := map[string]orchestrator.ContainerState{}
	for _, s := range states {
		byService[s.Service] = s
	}
	owners := map[string]bool{}
	for _, s := range p.Services {
		owners[orchestrator.NamespaceOwner(s)] = true
	}
	var known, others []endpoint
	for _, name := range p.ServiceNames() {
		if owners[name] {
			continue
		}
		s := p.Services[name]
		state := serviceState(byService, s)
		ports := publishedPorts(p, s)
		if len(ports) == 0 {
			others = append(others, endpoint{Name: name, Service: name, State: state})
		}
		for _, port := range ports {
			e := endpoint{Name: name, URL: "http://" + hostPort(port), Service: name, State: state}
			if i := slices.IndexFunc(knownPorts, func(k knownPort) bool { return k.service == name && k.target == port.Target }); i >= 0 {
				e.Name, e.URL = knownPorts[i].name, fmt.Sprintf(knownPorts[i].url, hostPort(port))
				known = append(known, e)
				continue
			}
			others = append(others, e)
		}
	}
	slices.SortStableFunc(known, func(a, b endpoint) int {
		return slices.IndexFunc(knownPorts, func(k knownPort) bool { return k.name == a.Name }) -
			slices.IndexFunc(knownPorts, func(k knownPort) bool { return k.name == b.Name })
	})
	return append(known, others...)
}

// publishedPorts are the ports s answers on: its own, and those of the
// namespace it joins (a sidecar publishes its app's port).
func publishedPorts(p *types.Project, s types.ServiceConfig) []types.ServicePortConfig {
	var out []types.ServicePortConfig
	all := s.Ports
	if owner := orchestrator.NamespaceOwner(s); owner != "" {
		all = append(slices.Clone(all), p.Services[owner].Ports...)
	}
	for _, port := range all {
		if port.Published != "" && (port.Protocol == "" || port.Protocol == "tcp") {
			out = append(out, port)
		}
	}
	return out
}

func hostPort(port types.ServicePortConfig) string {
	host := port.HostIP
	if host == "" || host == "0.0.0.0" {
		host = "127.0.0.1"
	}
	return host + ":" + port.Published
}

// serviceState is the state of s's container with its health; when the
// namespace it joins is down, that is what matters.
func serviceState(byService map[string]orchestrator.ContainerState, s types.ServiceConfig) string {
	if owner := orchestrator.NamespaceOwner(s); owner != "" {
		if o, ok := byService[owner]; !ok || o.State != "running" {
			return owner + " " + stateText(o, ok)
		}
	}
	c, ok := byService[s.Name]
	return stateText(c, ok)
}

func stateText(c orchestrator.ContainerState, exists bool) string {
	switch {
	case !exists:
		return "not created"
	case c.Health != "":
		return c.State + " (" + c.Health + ")"
	}
	return c.State
}
