package orchestrator

import (
	"context"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/hms-platform/hmsdev/internal/fix"
)

// Restart restarts services, or recreates them when their config or image
// changed (an image rebuilt under the same tag gives a new container).
// Whatever lives in their network namespaces is restarted or recreated
// with them, so it never keeps a dead network. Unchanged dependencies are
// left alone (and started if they are not running).
func (e *Engine) Restart(ctx context.Context, p *types.Project, services []string, o UpOptions) error {
	plan, err := NewPlan(p)
	if err != nil {
		return fix.Wrap(err, "project "+p.Name+" cannot be planned", "")
	}
	if _, err := plan.Closure(services...); err != nil {
		return fix.Wrap(err, "unknown service", "")
	}
	set := map[string]bool{}
	var all []string
	for _, s := range services {
		for _, n := range append([]string{s}, plan.NamespaceDependents(s)...) {
			if !set[n] {
				set[n] = true
				all = append(all, n)
			}
		}
	}
	o.Services = all
	o.Force = services
	return e.Up(ctx, p, o)
}
