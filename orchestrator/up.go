package orchestrator

import (
	"context"
	"fmt"
	"time"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/moby/api/types/container"
	"golang.org/x/sync/errgroup"

	"github.com/hms-platform/hmsdev/internal/fix"
)

// UpOptions says what Up brings up and how long it waits.
type UpOptions struct {
	// Services to bring up, with what they depend on; none means all.
	Services []string
	// WaitTimeout bounds each service's wait to become ready (healthy, or
	// running without a health check). Default 2 minutes.
	WaitTimeout time.Duration
	// ImageKey names the setting that chooses a service's image, for the
	// error when an image cannot be pulled. Default HmsdevImageKey.
	ImageKey func(service string) string
	// Force restarts these services even when unchanged (restart SERVICE);
	// their namespace dependents are restarted with them.
	Force []string
}

// run is one Up in progress.
type run struct {
	e        *Engine
	p        *types.Project
	plan     *Plan
	o        UpOptions
	existing map[string][]container.Summary
	images   map[string]string // image name -> ID
	force    map[string]bool
	nodes    map[string]*node
}

// Up converges the project's services (o.Services and their dependencies)
// on the engine: images, networks, volumes, then containers in dependency
// order, independent ones in parallel, each waiting for the conditions of
// what it depends on. It creates nothing until the images are present.
// On failure it stops there and leaves everything as it is for inspection.
// Call Preflight first.
func (e *Engine) Up(ctx context.Context, p *types.Project, o UpOptions) error {
	if o.WaitTimeout <= 0 {
		o.WaitTimeout = 2 * time.Minute
	}
	if o.ImageKey == nil {
		o.ImageKey = HmsdevImageKey
	}
	plan, err := NewPlan(p)
	if err != nil {
		return fix.Wrap(err, "project "+p.Name+" cannot be planned", "fix depends_on / network_mode in the compose project")
	}
	services, err := plan.Closure(o.Services...)
	if err != nil {
		return fix.Wrap(err, "unknown service", "")
	}
	r := &run{e: e, p: p, plan: plan, o: o, force: map[string]bool{}, nodes: map[string]*node{}}
	for _, s := range o.Force {
		r.force[s] = true
	}
	if r.images, err = e.ensureImages(ctx, p, services, o.ImageKey); err != nil {
		return err
	}
	if r.existing, err = e.projectContainers(ctx, p.Name); err != nil {
		return err
	}
	if err := e.ensureNetworks(ctx, p, services); err != nil {
		return err
	}
	if err := e.ensureVolumes(ctx, p, services); err != nil {
		return err
	}
	for _, name := range services {
		r.nodes[name] = newNode(name)
	}
	g, gctx := errgroup.WithContext(ctx)
	for _, name := range services {
		g.Go(func() error { return r.service(gctx, name) })
	}
	return g.Wait()
}

// service waits for its dependencies, converges its container and waits
// until it is ready, signalling dependents along the way.
func (r *run) service(ctx context.Context, name string) error {
	n := r.nodes[name]
	err := r.serviceSteps(ctx, n)
	if err != nil {
		n.fail(err)
	}
	return err
}

func (r *run) serviceSteps(ctx context.Context, n *node) error {
	s := r.p.Services[n.name]
	for _, d := range r.plan.Dependencies(n.name) {
		if err := r.waitDependency(ctx, n.name, d); err != nil {
			return err
		}
	}
	id, action, err := r.converge(ctx, s)
	if err != nil {
		return err
	}
	n.markStarted(id, action)
	done := func(error, string) {}
	if action != ActKeep {
		done = r.e.step("container", n.name, "wait", "")
	}
	c, err := r.e.waitFor(ctx, n.name, id, r.o.WaitTimeout, "ready", readyCheck)
	if err != nil {
		done(err, "")
		return err
	}
	health := hasHealthcheck(c)
	detail := "running"
	if health {
		detail = "healthy"
	}
	done(nil, detail)
	n.markReady(health)
	return nil
}

// waitDependency blocks until dependency d of service reaches its condition.
func (r *run) waitDependency(ctx context.Context, service string, d Dependency) error {
	dep := r.nodes[d.Service]
	signal := dep.started
	if d.Condition == types.ServiceConditionHealthy {
		signal = dep.ready
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-signal:
	}
	id, _, health, err := dep.outcome()
	if err != nil {
		// dep's own goroutine returns its failure to the group, which then
		// cancels ctx. Returning an error of our own here could beat it
		// and hide the failure (and its logs) behind "its dependency failed".
		<-ctx.Done()
		return ctx.Err()
	}
	switch d.Condition {
	case types.ServiceConditionHealthy:
		if !health {
			return fix.New(fmt.Sprintf("service %s depends on %s being healthy, but %s has no health check", service, d.Service, d.Service),
				fmt.Sprintf("give %s a healthcheck, or use condition: service_started", d.Service))
		}
	case types.ServiceConditionCompletedSuccessfully:
		_, err := r.e.waitFor(ctx, d.Service, id, r.o.WaitTimeout, "complete", completedCheck)
		return err
	}
	return nil
}
