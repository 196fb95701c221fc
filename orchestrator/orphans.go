package orchestrator

import (
	"context"
	"sort"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/moby/api/types/container"
)

// orphanDetail is what the progress line says of a removed orphan.
const orphanDetail = "orphan: its service is no longer in the project"

// RemoveOrphans removes the project's containers whose service is no
// longer in p (a service dropped from hmsdev.yaml, the sidecar of one
// turned mesh: false), like `docker compose up --remove-orphans`, so they
// neither linger nor hold ports. Only containers carrying p's project
// label are candidates. It returns the services removed.
func (e *Engine) RemoveOrphans(ctx context.Context, p *types.Project, timeout *int) ([]string, error) {
	byService, err := e.projectContainers(ctx, p.Name)
	if err != nil {
		return nil, err
	}
	var names []string
	var orphans []container.Summary
	for svc, cs := range byService {
		if !isOrphan(p, svc) {
			continue
		}
		names = append(names, svc)
		for _, c := range cs {
			if c.Labels[LabelProject] == p.Name { // belt and braces over the filter
				orphans = append(orphans, c)
			}
		}
	}
	sort.Strings(names)
	return names, e.removeInOrder(ctx, orphans, timeout, orphanDetail)
}

// isOrphan reports whether a service of the project's containers is gone
// from p; a service switched off by a profile is not gone.
func isOrphan(p *types.Project, service string) bool {
	_, on := p.Services[service]
	_, off := p.DisabledServices[service]
	return !on && !off
}
