package compose

import (
	"fmt"

	"github.com/hms-platform/hmsdev/internal/workspace"
)

// Kuma tags every inbound and outbound needs (FACTS.md).
const (
	TagService  = "kuma.io/service"
	TagProtocol = "kuma.io/protocol"
)

// Dataplane is the Kuma Dataplane resource kuma-dp reads from its file.
type Dataplane struct {
	Type       string     `yaml:"type"`
	Mesh       string     `yaml:"mesh"`
	Name       string     `yaml:"name"`
	Networking Networking `yaml:"networking"`
}

// Networking is a Dataplane's networking section.
type Networking struct {
	// Address is the service's DNS name on the compose network: never
	// 0.0.0.0, which the CP rejects.
	Address  string     `yaml:"address"`
	Gateway  *Gateway   `yaml:"gateway,omitempty"`
	Inbound  []Inbound  `yaml:"inbound,omitempty"`
	Outbound []Outbound `yaml:"outbound,omitempty"`
}

// Gateway marks a delegated gateway (Kong) in front of the mesh.
type Gateway struct {
	Type string            `yaml:"type"`
	Tags map[string]string `yaml:"tags"`
}

// Inbound is where Envoy listens (Port) and where the app is
// (ServiceAddress:ServicePort).
type Inbound struct {
	Port           int               `yaml:"port"`
	ServicePort    int               `yaml:"servicePort"`
	ServiceAddress string            `yaml:"serviceAddress"`
	Tags           map[string]string `yaml:"tags"`
}

// Outbound is a local port through which the app reaches another service.
type Outbound struct {
	Port    int               `yaml:"port"`
	Address string            `yaml:"address"`
	Tags    map[string]string `yaml:"tags"`
}

// DataplaneFile is where a meshed service's dataplane lives in the workspace.
func DataplaneFile(name string) string { return "kuma/dataplanes/" + name + ".yaml" }

// ServiceDataplane is the dataplane of a meshed service: one inbound in
// front of the app, one outbound per service it calls.
func ServiceDataplane(cfg *workspace.Config, s *workspace.Service) Dataplane {
	return Dataplane{
		Type: "Dataplane",
		Mesh: cfg.Kuma.Mesh,
		Name: s.Name,
		Networking: Networking{
			Address: s.Name,
			Inbound: []Inbound{{
				Port:           workspace.InboundPort(s.Port),
				ServicePort:    s.Port,
				ServiceAddress: "127.0.0.1",
				Tags:           map[string]string{TagService: s.Name, TagProtocol: s.Protocol},
			}},
			Outbound: outbounds(cfg, s.Calls),
		},
	}
}

// KongDataplane makes Kong a delegated gateway with an outbound to every
// routed service; kong.yml's upstreams are those outbounds, which keeps
// Kong working when mTLS is STRICT.
func KongDataplane(cfg *workspace.Config) Dataplane {
	return Dataplane{
		Type: "Dataplane",
		Mesh: cfg.Kuma.Mesh,
		Name: workspace.Kong,
		Networking: Networking{
			Address:  workspace.Kong,
			Gateway:  &Gateway{Type: "DELEGATED", Tags: map[string]string{TagService: workspace.Kong}},
			Outbound: outbounds(cfg, routedServices(cfg)),
		},
	}
}

func outbounds(cfg *workspace.Config, targets []string) []Outbound {
	var out []Outbound
	for _, t := range targets {
		out = append(out, Outbound{Port: OutboundPort(cfg, t), Address: "127.0.0.1", Tags: map[string]string{TagService: t}})
	}
	return out
}

func routedServices(cfg *workspace.Config) []string {
	var names []string
	for _, s := range cfg.Services {
		if s.Route != "" {
			names = append(names, s.Name)
		}
	}
	return names
}

// CheckDataplane enforces the rules a Kuma 2.5 CP (or a shared network
// namespace) would otherwise enforce at run time, so a broken file is
// caught before anything starts.
func CheckDataplane(dp Dataplane) error {
	n := dp.Networking
	if n.Address == "" || n.Address == "0.0.0.0" || n.Address == "::" {
		return fmt.Errorf("dataplane %s: address %q: the control plane rejects an empty or wildcard address; use the service's DNS name", dp.Name, n.Address)
	}
	if n.Gateway == nil && len(n.Inbound) == 0 {
		return fmt.Errorf("dataplane %s: needs an inbound or a gateway", dp.Name)
	}
	if n.Gateway != nil && n.Gateway.Tags[TagService] == "" {
		return fmt.Errorf("dataplane %s: gateway lacks the %s tag", dp.Name, TagService)
	}
	used := map[int]string{}
	for port, what := range workspace.SidecarPorts {
		used[port] = what
	}
	for _, in := range n.Inbound {
		if what, ok := workspace.SidecarPorts[in.ServicePort]; ok {
			return fmt.Errorf("dataplane %s: the app's port %d is taken by %s in the sidecar's network namespace", dp.Name, in.ServicePort, what)
		}
		used[in.ServicePort] = "the app"
	}
	for _, in := range n.Inbound {
		if in.Tags[TagService] == "" {
			return fmt.Errorf("dataplane %s: inbound %d lacks the %s tag", dp.Name, in.Port, TagService)
		}
		if in.Port == in.ServicePort {
			return fmt.Errorf("dataplane %s: inbound port %d equals the app's port; Envoy and the app share a network namespace, so they would collide", dp.Name, in.Port)
		}
		if prev, ok := used[in.Port]; ok {
			return fmt.Errorf("dataplane %s: inbound port %d is already used by %s", dp.Name, in.Port, prev)
		}
		used[in.Port] = "inbound"
	}
	for _, out := range n.Outbound {
		if out.Tags[TagService] == "" {
			return fmt.Errorf("dataplane %s: outbound %d lacks the %s tag", dp.Name, out.Port, TagService)
		}
		if prev, ok := used[out.Port]; ok {
			return fmt.Errorf("dataplane %s: outbound port %d is already used by %s", dp.Name, out.Port, prev)
		}
		used[out.Port] = "the outbound to " + out.Tags[TagService]
	}
	return nil
}
