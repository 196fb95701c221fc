package checks

import (
	"context"
	"net/http"

	"github.com/moby/moby/client"

	"github.com/hms-platform/hmsdev/internal/stack"
	"github.com/hms-platform/hmsdev/kuma"
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
}

// HTTP sends requests to the stack's published ports; *http.Client does.
type HTTP interface {
	Do(*http.Request) (*http.Response, error)
}

// Docker is the Engine of one project on a real Docker Engine.
type Docker struct {
	API     client.APIClient
	Project string
}

func (d Docker) Containers(ctx context.Context) ([]stack.Container, error) {
	return stack.List(ctx, d.API, d.Project)
}

func (d Docker) Inspect(ctx context.Context, c stack.Container) (stack.Config, error) {
	return stack.Inspect(ctx, d.API, c.ID)
}

func (d Docker) Tail(ctx context.Context, c stack.Container, lines int) (string, error) {
	return stack.Tail(ctx, d.API, c.ID, lines)
}

func (d Docker) Fetch(ctx context.Context, c stack.Container, url string) ([]byte, error) {
	return stack.Fetch(ctx, d.API, c, d.Project, url)
}
