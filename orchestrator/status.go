package orchestrator

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"golang.org/x/sync/errgroup"
)

// ContainerState is what Status reports for one container of the project.
type ContainerState struct {
	Service   string          `json:"service"`
	Name      string          `json:"name"`
	ID        string          `json:"id"`
	Image     string          `json:"image"`
	State     string          `json:"state"`            // created, running, exited, ...
	Health    string          `json:"health,omitempty"` // healthy, unhealthy, starting; empty without a health check
	ExitCode  int             `json:"exit_code"`
	StartedAt time.Time       `json:"started_at"`
	Ports     []PublishedPort `json:"ports,omitempty"`
	// NamespaceOf is the container whose network namespace this one joins.
	NamespaceOf string `json:"namespace_of,omitempty"`
}

// PublishedPort is a container port published on the host.
type PublishedPort struct {
	HostIP        string `json:"host_ip"`
	HostPort      uint16 `json:"host_port"`
	ContainerPort uint16 `json:"container_port"`
	Protocol      string `json:"protocol"`
}

// URLs are where the container's published TCP ports answer, on 127.0.0.1
// when published on all interfaces.
func (c ContainerState) URLs() []string {
	var out []string
	for _, p := range c.Ports {
		if p.Protocol != "" && p.Protocol != "tcp" {
			continue
		}
		host := p.HostIP
		if host == "" || host == "0.0.0.0" || host == "::" {
			host = "127.0.0.1"
		}
		out = append(out, fmt.Sprintf("%s:%d", host, p.HostPort))
	}
	return out
}

// Status lists the project's containers with state, health and published
// ports, sorted by service. It needs only the project name.
func (e *Engine) Status(ctx context.Context, project string) ([]ContainerState, error) {
	byService, err := e.projectContainers(ctx, project)
	if err != nil {
		return nil, err
	}
	var list []container.Summary
	for _, cs := range byService {
		list = append(list, cs...)
	}
	out := make([]ContainerState, len(list))
	g, gctx := errgroup.WithContext(ctx)
	for i, c := range list {
		g.Go(func() error {
			res, err := e.api.ContainerInspect(gctx, c.ID, client.ContainerInspectOptions{})
			if isNotFound(err) {
				out[i] = summaryState(c)
				return nil
			}
			if err != nil {
				return dockerErr(err, "cannot inspect container "+firstName(c))
			}
			out[i] = inspectState(c, res.Container)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Service != out[j].Service {
			return out[i].Service < out[j].Service
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}

func summaryState(c container.Summary) ContainerState {
	s := ContainerState{
		Service: c.Labels[LabelService],
		Name:    strings.TrimPrefix(firstName(c), "/"),
		ID:      c.ID,
		Image:   c.Image,
		State:   string(c.State),
	}
	if owner, ok := strings.CutPrefix(c.HostConfig.NetworkMode, "container:"); ok {
		s.NamespaceOf = owner
	}
	for _, p := range c.Ports {
		if p.PublicPort == 0 {
			continue
		}
		ip := ""
		if p.IP.IsValid() {
			ip = p.IP.String()
		}
		s.Ports = append(s.Ports, PublishedPort{HostIP: ip, HostPort: p.PublicPort, ContainerPort: p.PrivatePort, Protocol: p.Type})
	}
	return s
}

func inspectState(c container.Summary, in container.InspectResponse) ContainerState {
	s := summaryState(c)
	if in.State != nil {
		s.State = string(in.State.Status)
		s.ExitCode = in.State.ExitCode
		s.StartedAt, _ = time.Parse(time.RFC3339Nano, in.State.StartedAt)
		if in.State.Health != nil && in.State.Health.Status != container.NoHealthcheck {
			s.Health = string(in.State.Health.Status)
		}
	}
	return s
}
