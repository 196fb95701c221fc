package checks

import (
	"context"
	"net/http"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/hms-platform/hmsdev/internal/stack"
	"github.com/hms-platform/hmsdev/kuma"
	"github.com/hms-platform/hmsdev/orchestrator"
)

// ControlPlane is the part of the Kuma API the checks read; *kuma.Client
// implements it.
type ControlPlane interface {
	Ready(ctx context.Context) (kuma.Info, error)
	Mesh(ctx context.Context, name string) (map[string]any, error)
	Dataplanes(ctx context.Context, mesh string) ([]kuma.Dataplane, error)
	Policies(ctx context.Context, mesh string) ([]kuma.Policy, error)
}

// Engine is what the checks read from the Docker Engine about the project.
type Engine interface {
	Containers(ctx context.Context) ([]stack.Container, error)
	Inspect(ctx context.Context, c stack.Container) (stack.Config, error)
	Tail(ctx context.Context, c stack.Container, lines int) (string, error)
	// Fetch GETs url from inside c's network namespace.
	Fetch(ctx context.Context, c stack.Container, url string) ([]byte, error)
	// PortsFree checks every port the project publishes is free or held by
	// the project itself; the error names each taken one and its holder.
	PortsFree(ctx context.Context) error
}

// HTTP sends requests to the stack's published ports; *http.Client does.
type HTTP interface {
	Do(*http.Request) (*http.Response, error)
}

// Docker is the Engine of one compose project on a real Docker Engine.
type Docker struct {
	Engine  *orchestrator.Engine
	Project *types.Project
	// Binary is the static Linux hmsdev that Fetch runs in the sidecar's
	// namespace (compose.Executable).
	Binary string
}

func (d Docker) Containers(ctx context.Context) ([]stack.Container, error) {
	return stack.List(ctx, d.Engine.Client(), d.Project.Name)
}

func (d Docker) Inspect(ctx context.Context, c stack.Container) (stack.Config, error) {
	return stack.Inspect(ctx, d.Engine.Client(), c.ID)
}

func (d Docker) Tail(ctx context.Context, c stack.Container, lines int) (string, error) {
	return stack.Tail(ctx, d.Engine.Client(), c.ID, lines)
}

func (d Docker) Fetch(ctx context.Context, c stack.Container, url string) ([]byte, error) {
	return stack.Fetch(ctx, d.Engine.Client(), c, d.Project.Name, d.Binary, url)
}

func (d Docker) PortsFree(ctx context.Context) error { return d.Engine.Preflight(ctx, d.Project) }
