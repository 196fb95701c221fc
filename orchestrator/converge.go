package orchestrator

import (
	"context"
	"time"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
)

// Actions converge can take on a service's container.
const (
	ActCreate   = "create"
	ActRecreate = "recreate"
	ActStart    = "start"
	ActRestart  = "restart"
	ActKeep     = "keep"
)

// decide picks what to do with a service's current container (nil: none).
// A container is recreated when its config hash or image differs: the hash
// holds the namespace owner's container ID, so a recreated owner takes its
// dependents with it. A dependent whose owner was (re)started is restarted,
// since it lost its network when the owner stopped.
func decide(cur *container.Summary, hash, imageID string, force, ownerRestarted bool) string {
	switch {
	case cur == nil:
		return ActCreate
	case cur.Labels[LabelConfigHash] != hash || (imageID != "" && cur.ImageID != imageID):
		return ActRecreate
	case cur.State != container.StateRunning:
		return ActStart
	case force || ownerRestarted:
		return ActRestart
	}
	return ActKeep
}

// converge brings one service's container to its desired state and
// returns its ID and the action taken.
func (r *run) converge(ctx context.Context, s types.ServiceConfig) (string, string, error) {
	ownerID, ownerRestarted := "", false
	if owner := NamespaceOwner(s); owner != "" {
		id, action, _, _ := r.nodes[owner].outcome()
		ownerID = id
		ownerRestarted = action == ActStart || action == ActRestart
	}
	hash, err := configHash(s, ownerID)
	if err != nil {
		return "", "", err
	}
	image := imageName(r.p, s)
	imageID := r.images[image]
	var cur *container.Summary
	if cs := r.existing[s.Name]; len(cs) > 0 {
		cur = &cs[0]
	}
	action := decide(cur, hash, imageID, r.force[s.Name], ownerRestarted)
	if action == ActKeep {
		r.e.emit(Event{Kind: "container", Service: s.Name, Action: ActKeep, State: Done, Detail: "unchanged"})
		return cur.ID, action, nil
	}
	done := r.e.step("container", s.Name, action, "")
	// An engine call cut off half-way can leave a port proxy behind that
	// blocks the next up, so a started step finishes even after Ctrl-C;
	// the interrupt is honoured right after it.
	id, err := r.apply(context.WithoutCancel(ctx), s, action, cur, image, hash, imageID, ownerID)
	if err == nil {
		err = ctx.Err()
	}
	done(err, "running")
	return id, action, err
}

func (r *run) apply(ctx context.Context, s types.ServiceConfig, action string, cur *container.Summary, image, hash, imageID, ownerID string) (string, error) {
	switch action {
	case ActStart:
		_, err := r.e.api.ContainerStart(ctx, cur.ID, client.ContainerStartOptions{})
		return cur.ID, dockerErr(err, "cannot start the container of "+s.Name)
	case ActRestart:
		_, err := r.e.api.ContainerRestart(ctx, cur.ID, client.ContainerRestartOptions{Timeout: stopTimeout(s)})
		return cur.ID, dockerErr(err, "cannot restart the container of "+s.Name)
	case ActRecreate:
		if err := r.e.removeContainer(ctx, cur.ID, stopTimeout(s)); err != nil {
			return "", dockerErr(err, "cannot remove the old container of "+s.Name)
		}
	}
	labels := containerLabels(r.p, s, r.plan.Dependencies(s.Name), hash, imageID)
	opts, extra, err := createOptions(r.p, s, image, labels, ownerID)
	if err != nil {
		return "", err
	}
	res, err := r.e.api.ContainerCreate(ctx, opts)
	if err != nil {
		return "", dockerErr(err, "cannot create the container of "+s.Name)
	}
	for _, a := range extra {
		_, err := r.e.api.NetworkConnect(ctx, a.network, client.NetworkConnectOptions{
			Container: res.ID, EndpointConfig: &network.EndpointSettings{Aliases: a.aliases},
		})
		if err != nil {
			return res.ID, dockerErr(err, "cannot connect "+s.Name+" to network "+a.network)
		}
	}
	_, err = r.e.api.ContainerStart(ctx, res.ID, client.ContainerStartOptions{})
	return res.ID, dockerErr(err, "cannot start the container of "+s.Name)
}

// removeContainer stops (gracefully, within timeout) and removes.
func (e *Engine) removeContainer(ctx context.Context, id string, timeout *int) error {
	if _, err := e.api.ContainerStop(ctx, id, client.ContainerStopOptions{Timeout: timeout}); err != nil && !isNotFound(err) {
		return err
	}
	if _, err := e.api.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true}); err != nil && !isNotFound(err) {
		return err
	}
	return nil
}

// stopTimeout is the service's stop_grace_period in whole seconds, or nil
// for the engine's default (10 s).
func stopTimeout(s types.ServiceConfig) *int {
	if s.StopGracePeriod == nil {
		return nil
	}
	secs := int(time.Duration(*s.StopGracePeriod).Seconds())
	return &secs
}
