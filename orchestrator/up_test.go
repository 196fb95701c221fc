package orchestrator

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/client"
)

// fakeEngine answers the calls Up makes for a project without networks or
// volumes: every image exists, no container does yet, and each created
// container runs, healthy unless its service is in unhealthy.
type fakeEngine struct {
	client.APIClient // any other call panics
	unhealthy        map[string]bool
	mu               sync.Mutex
	created          map[string]string // container ID -> service
}

func (f *fakeEngine) ImageInspect(context.Context, string, ...client.ImageInspectOption) (client.ImageInspectResult, error) {
	return client.ImageInspectResult{InspectResponse: image.InspectResponse{ID: "sha256:img"}}, nil
}

func (f *fakeEngine) ContainerList(context.Context, client.ContainerListOptions) (client.ContainerListResult, error) {
	return client.ContainerListResult{}, nil
}

func (f *fakeEngine) ContainerCreate(_ context.Context, o client.ContainerCreateOptions) (client.ContainerCreateResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := "id-" + o.Name
	f.created[id] = o.Config.Labels[LabelService]
	return client.ContainerCreateResult{ID: id}, nil
}

func (f *fakeEngine) ContainerStart(context.Context, string, client.ContainerStartOptions) (client.ContainerStartResult, error) {
	return client.ContainerStartResult{}, nil
}

func (f *fakeEngine) ContainerInspect(_ context.Context, id string, _ client.ContainerInspectOptions) (client.ContainerInspectResult, error) {
	f.mu.Lock()
	svc := f.created[id]
	f.mu.Unlock()
	health := container.Healthy
	if f.unhealthy[svc] {
		health = container.Unhealthy
	}
	return client.ContainerInspectResult{Container: container.InspectResponse{
		ID: id, Name: "/" + strings.TrimPrefix(id, "id-"),
		State: &container.State{Status: container.StateRunning, Health: &container.Health{Status: health}},
	}}, nil
}

func (f *fakeEngine) ContainerLogs(context.Context, string, client.ContainerLogsOptions) (client.ContainerLogsResult, error) {
	return io.NopCloser(strings.NewReader("")), nil
}

// When a service fails, up's error is that service's failure (with its
// logs), never a dependent's "its dependency failed", however the
// goroutines are scheduled.
func TestUpReportsTheFailureNotADependent(t *testing.T) {
	healthy := types.ServiceDependency{Condition: types.ServiceConditionHealthy, Required: true}
	bad := types.ServiceConfig{Name: "bad"}
	bad.Image = "img"
	bad.HealthCheck = &types.HealthCheckConfig{Test: []string{"CMD", "true"}}
	p := &types.Project{Name: "t", Services: types.Services{"bad": bad}}
	for i := range 32 {
		dep := types.ServiceConfig{Name: fmt.Sprintf("dep%d", i)}
		dep.Image = "img"
		dep.DependsOn = types.DependsOnConfig{"bad": healthy}
		p.Services[dep.Name] = dep
	}
	for range 300 { // the race it guards against is rare: many tries
		e := NewWithClient(&fakeEngine{unhealthy: map[string]bool{"bad": true}, created: map[string]string{}}, nil)
		err := e.Up(context.Background(), p, UpOptions{})
		var sf *ServiceFailure
		if !errors.As(err, &sf) || sf.Service != "bad" {
			t.Fatalf("up's error is not bad's failure: %v", err)
		}
	}
}

// hangingEngine never answers an inspect until the caller gives up.
type hangingEngine struct{ fakeEngine }

func (h *hangingEngine) ContainerInspect(ctx context.Context, _ string, _ client.ContainerInspectOptions) (client.ContainerInspectResult, error) {
	<-ctx.Done()
	return client.ContainerInspectResult{}, ctx.Err()
}

// A wait ends at its timeout even when the engine stops answering.
func TestWaitTimeoutBoundsAHangingEngine(t *testing.T) {
	e := NewWithClient(&hangingEngine{}, nil)
	_, err := e.waitFor(context.Background(), "svc", "0123456789abcdef", 50*time.Millisecond, "ready", readyCheck)
	var sf *ServiceFailure
	if !errors.As(err, &sf) || !strings.Contains(sf.Reason, "did not become ready within 50ms") || sf.Container != "0123456789ab" {
		t.Fatalf("want a timeout failure naming the container, got %v", err)
	}
}

// A connection lost mid-command names where hmsdev looked, even from a
// step that does not know the client's address (dockerErr).
func TestLostEngineNamesTheSocket(t *testing.T) {
	t.Setenv("DOCKER_HOST", "")
	msg := unreachable("", errors.New("connection refused")).Error()
	if !strings.Contains(msg, "cannot reach the Docker Engine at the Docker socket "+client.DefaultDockerHost+"\n") {
		t.Errorf("error does not name the socket:\n%s", msg)
	}
}
