package orchestrator

import (
	"context"
	"os"
	"time"

	"github.com/moby/moby/client"

	"github.com/hms-platform/hmsdev/internal/fix"
)

// Engine is a connection to the Docker Engine plus where progress goes.
type Engine struct {
	api    client.APIClient
	events Sink
}

// Connect reaches the engine named by DOCKER_HOST (or the default socket)
// and checks it answers. An unreachable engine is one error that says
// where hmsdev looked and how to start Docker.
func Connect(ctx context.Context, events func(Event)) (*Engine, error) {
	api, err := client.New(client.FromEnv)
	if err != nil {
		return nil, fix.Wrap(err, "DOCKER_HOST="+os.Getenv("DOCKER_HOST")+" is not a Docker address", "unset DOCKER_HOST, or set it to e.g. unix:///var/run/docker.sock")
	}
	e := &Engine{api: api, events: events}
	if err := e.Ping(ctx); err != nil {
		api.Close()
		return nil, err
	}
	return e, nil
}

// NewWithClient wraps an existing client (tests, other packages).
func NewWithClient(api client.APIClient, events func(Event)) *Engine {
	return &Engine{api: api, events: events}
}

// Client returns the underlying engine client.
func (e *Engine) Client() client.APIClient { return e.api }

// Close releases the connection.
func (e *Engine) Close() error { return e.api.Close() }

// Ping checks the engine answers within a few seconds.
func (e *Engine) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := e.api.Ping(ctx, client.PingOptions{}); err != nil {
		return unreachable(e.api.DaemonHost(), err)
	}
	return nil
}

// unreachable explains a failed connection: where we looked and what to
// do. host is the client's address; "" (a caller without the client) is
// the default socket.
func unreachable(host string, cause error) error {
	if host == "" {
		host = client.DefaultDockerHost
	}
	where := "the Docker socket " + host
	if env := os.Getenv("DOCKER_HOST"); env != "" {
		where = "DOCKER_HOST=" + env
	}
	return fix.Wrap(cause, "cannot reach the Docker Engine at "+where,
		"start Docker (Docker Desktop, or `sudo systemctl start docker`, or `dockerd &`), "+
			"or point DOCKER_HOST at a running engine; `docker info` must answer")
}

func (e *Engine) emit(ev Event) { e.events.Emit(ev) }
