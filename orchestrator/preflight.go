package orchestrator

import (
	"context"
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/hms-platform/hmsdev/internal/fix"
)

// Preflight checks, before anything is created, that the engine answers
// and that every port the services publish is free (or already held by
// this project's own container for that service, or by an orphan that up
// removes first). Each taken port is
// named with the service that wants it and, where it can be found, what
// holds it.
func (e *Engine) Preflight(ctx context.Context, p *types.Project, services ...string) error {
	if err := e.Ping(ctx); err != nil {
		return err
	}
	plan, err := NewPlan(p)
	if err != nil {
		return fix.Wrap(err, "project "+p.Name+" cannot be planned", "fix depends_on / network_mode in the compose project")
	}
	names, err := plan.Closure(services...)
	if err != nil {
		return fix.Wrap(err, "unknown service", "")
	}
	ours, err := e.ownPorts(ctx, p.Name)
	if err != nil {
		return err
	}
	var problems []string
	for _, name := range names {
		for _, port := range p.Services[name].Ports {
			if port.Published == "" || (port.Protocol != "" && port.Protocol != "tcp") {
				continue
			}
			num, err := strconv.Atoi(port.Published)
			if err != nil {
				continue // ranges: the engine reports those itself
			}
			// An orphan's port is freed before anything is created.
			if owner, ok := ours[num]; ok && (owner == name || isOrphan(p, owner)) {
				continue
			}
			host := port.HostIP
			if host == "" {
				host = "0.0.0.0"
			}
			if portFree(host, num) {
				continue
			}
			holder := e.portHolder(ctx, num)
			if holder == "" {
				holder = "another process (see `ss -ltnp 'sport = :" + port.Published + "'`)"
			}
			problems = append(problems, fmt.Sprintf("port %s:%d, wanted by service %s, is held by %s", host, num, name, holder))
		}
	}
	if len(problems) == 0 {
		return nil
	}
	sort.Strings(problems)
	return fix.New("published ports are taken; nothing was created:\n  "+strings.Join(problems, "\n  "),
		"stop what holds them, or change the ports in hmsdev.yaml")
}

// portFree reports whether host:port can be bound right now.
func portFree(host string, port int) bool {
	l, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
	if err != nil {
		return false
	}
	l.Close()
	return true
}

// ownPorts maps host ports to the service of this project whose container
// publishes them: re-running up must not trip over itself. A container
// that is not (yet) running lists no ports, but may hold them: the engine
// finishes a start even when the hmsdev that asked for it was killed. So
// for those, the ports it asks for count.
func (e *Engine) ownPorts(ctx context.Context, project string) (map[int]string, error) {
	byService, err := e.projectContainers(ctx, project)
	if err != nil {
		return nil, err
	}
	out := map[int]string{}
	for svc, cs := range byService {
		for _, c := range cs {
			for _, pt := range c.Ports {
				if pt.PublicPort != 0 {
					out[int(pt.PublicPort)] = svc
				}
			}
			if c.State == container.StateRunning {
				continue
			}
			res, err := e.api.ContainerInspect(ctx, c.ID, client.ContainerInspectOptions{})
			if err != nil || res.Container.HostConfig == nil {
				continue
			}
			for _, bindings := range res.Container.HostConfig.PortBindings {
				for _, b := range bindings {
					if n, err := strconv.Atoi(b.HostPort); err == nil {
						out[n] = svc
					}
				}
			}
		}
	}
	return out, nil
}
