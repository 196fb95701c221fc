// Package stack reads what a compose project runs on the Docker Engine, for
// hmsdev's read-only commands (logs, verify, doctor): its containers by
// Docker Compose's labels, their logs, and an HTTP fetch from inside a
// container's network namespace.
package stack

import (
	"context"
	"fmt"
	"sort"
	"strconv"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// Docker Compose's labels, the same ones the orchestrator writes.
const (
	labelProject = "com.docker.compose.project"
	labelService = "com.docker.compose.service"
	labelNumber  = "com.docker.compose.container-number"
	labelOneoff  = "com.docker.compose.oneoff"
)

// Container is one container of the project.
type Container struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Service string `json:"service"`
	Image   string `json:"image"`
	ImageID string `json:"image_id"`
	State   string `json:"state"`            // running, exited, restarting, ...
	Status  string `json:"status"`           // Docker's words: "Up 3 minutes (healthy)"
	Health  string `json:"health,omitempty"` // healthy, unhealthy, starting, or ""
	// HostPorts are the ports published on the host.
	HostPorts []int `json:"host_ports,omitempty"`
	// Created is when the container was created, in Unix seconds.
	Created int64 `json:"created"`
}

// Running reports whether the container is running.
func (c Container) Running() bool { return c.State == string(container.StateRunning) }

// List returns the project's containers (one-off ones left out), sorted by
// service and container number.
func List(ctx context.Context, api client.APIClient, project string) ([]Container, error) {
	res, err := api.ContainerList(ctx, client.ContainerListOptions{
		All:     true,
		Filters: make(client.Filters).Add("label", labelProject+"="+project),
	})
	if err != nil {
		return nil, fmt.Errorf("list the containers of project %s: %w", project, err)
	}
	var out []Container
	num := map[string]int{}
	for _, s := range res.Items {
		if s.Labels[labelOneoff] == "True" {
			continue
		}
		c := Container{
			ID: s.ID, Service: s.Labels[labelService], Image: s.Image, ImageID: s.ImageID,
			State: string(s.State), Status: s.Status, Created: s.Created,
		}
		if len(s.Names) > 0 {
			c.Name = trimSlash(s.Names[0])
		}
		if s.Health != nil {
			c.Health = string(s.Health.Status)
		}
		for _, p := range s.Ports {
			if p.PublicPort != 0 {
				c.HostPorts = append(c.HostPorts, int(p.PublicPort))
			}
		}
		num[c.ID], _ = strconv.Atoi(s.Labels[labelNumber])
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Service != out[j].Service {
			return out[i].Service < out[j].Service
		}
		return num[out[i].ID] < num[out[j].ID]
	})
	return out, nil
}

// ByService returns the first container of service, if any.
func ByService(cs []Container, service string) (Container, bool) {
	for _, c := range cs {
		if c.Service == service {
			return c, true
		}
	}
	return Container{}, false
}

// Config is what a container was started with, for diagnoses.
type Config struct {
	Env        []string
	Entrypoint []string
	Cmd        []string
	Tty        bool
	ExitCode   int
	Error      string // the engine's error starting it, if any
	Restarts   int
}

// Inspect returns the configuration a container runs with.
func Inspect(ctx context.Context, api client.APIClient, id string) (Config, error) {
	res, err := api.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if err != nil {
		return Config{}, err
	}
	var c Config
	if cfg := res.Container.Config; cfg != nil {
		c.Env, c.Entrypoint, c.Cmd, c.Tty = cfg.Env, cfg.Entrypoint, cfg.Cmd, cfg.Tty
	}
	if st := res.Container.State; st != nil {
		c.ExitCode, c.Error = st.ExitCode, st.Error
	}
	c.Restarts = res.Container.RestartCount
	return c, nil
}

func trimSlash(s string) string {
	if len(s) > 0 && s[0] == '/' {
		return s[1:]
	}
	return s
}
