package orchestrator

import (
	"context"
	"strings"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"golang.org/x/sync/errgroup"

	"github.com/hms-platform/hmsdev/internal/fix"
)

// DownOptions tunes Down.
type DownOptions struct {
	Timeout *int // seconds to wait for a graceful stop; nil: the engine's default
	Volumes bool // also remove the project's volumes
}

// Down stops and removes the project's containers, dependents before what
// they depend on, then its networks, and its volumes only when asked. It
// finds everything by the project label, so it needs no compose file, and
// touches nothing without that label.
func (e *Engine) Down(ctx context.Context, project string, o DownOptions) error {
	if project == "" {
		return fix.New("no project name for down", "give one with -p NAME, or run it in a workspace")
	}
	res, err := e.api.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: projectFilter(project)})
	if err != nil {
		return dockerErr(err, "cannot list the containers of project "+project)
	}
	if err := e.removeInOrder(ctx, res.Items, o.Timeout, "removed"); err != nil {
		return err
	}
	if err := e.removeNetworks(ctx, project); err != nil {
		return err
	}
	if o.Volumes {
		return e.removeVolumes(ctx, project)
	}
	return nil
}

// removeInOrder stops each container once everything that depends on it
// (depends_on label, or a network namespace it owns) has stopped, then
// removes it; only the stops need the order, so removals overlap.
// doneDetail is what each container's progress line ends with.
func (e *Engine) removeInOrder(ctx context.Context, cs []container.Summary, timeout *int, doneDetail string) error {
	gone := map[string]chan struct{}{} // closed once the container has stopped
	byService := map[string][]string{}
	for _, c := range cs {
		gone[c.ID] = make(chan struct{})
		byService[c.Labels[LabelService]] = append(byService[c.Labels[LabelService]], c.ID)
	}
	dependents := map[string][]string{} // ID -> IDs that must go first
	for _, c := range cs {
		for _, dep := range parseDependsOnLabel(c.Labels[LabelDependsOn]) {
			for _, id := range byService[dep] {
				dependents[id] = append(dependents[id], c.ID)
			}
		}
		if owner, ok := strings.CutPrefix(c.HostConfig.NetworkMode, "container:"); ok && owner != c.ID && gone[owner] != nil {
			dependents[owner] = append(dependents[owner], c.ID)
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	for _, c := range cs {
		g.Go(func() error {
			for _, d := range dependents[c.ID] {
				select {
				case <-gctx.Done():
					return gctx.Err()
				case <-gone[d]:
				}
			}
			name := strings.TrimPrefix(firstName(c), "/")
			done := e.step("container", c.Labels[LabelService], "remove", name)
			_, err := e.api.ContainerStop(gctx, c.ID, client.ContainerStopOptions{Timeout: timeout})
			if err == nil || isNotFound(err) {
				close(gone[c.ID])
				_, err = e.api.ContainerRemove(gctx, c.ID, client.ContainerRemoveOptions{Force: true})
				if isNotFound(err) {
					err = nil
				}
			}
			done(err, doneDetail)
			return dockerErr(err, "cannot remove container "+name)
		})
	}
	return g.Wait()
}

func firstName(c container.Summary) string {
	if len(c.Names) == 0 {
		return shortID(c.ID)
	}
	return c.Names[0]
}

func (e *Engine) removeNetworks(ctx context.Context, project string) error {
	res, err := e.api.NetworkList(ctx, client.NetworkListOptions{Filters: projectFilter(project)})
	if err != nil {
		return dockerErr(err, "cannot list the networks of project "+project)
	}
	for _, n := range res.Items {
		if n.Labels[LabelProject] != project { // belt and braces over the filter
			continue
		}
		done := e.step("network", n.Name, "remove", "")
		_, err := e.api.NetworkRemove(ctx, n.ID, client.NetworkRemoveOptions{})
		if isNotFound(err) {
			err = nil
		}
		done(err, "removed")
		if err != nil {
			return dockerErr(err, "cannot remove network "+n.Name)
		}
	}
	return nil
}

func (e *Engine) removeVolumes(ctx context.Context, project string) error {
	res, err := e.api.VolumeList(ctx, client.VolumeListOptions{Filters: projectFilter(project)})
	if err != nil {
		return dockerErr(err, "cannot list the volumes of project "+project)
	}
	for _, v := range res.Items {
		if v.Labels[LabelProject] != project {
			continue
		}
		done := e.step("volume", v.Name, "remove", "")
		_, err := e.api.VolumeRemove(ctx, v.Name, client.VolumeRemoveOptions{})
		if isNotFound(err) {
			err = nil
		}
		done(err, "removed")
		if err != nil {
			return dockerErr(err, "cannot remove volume "+v.Name)
		}
	}
	return nil
}
