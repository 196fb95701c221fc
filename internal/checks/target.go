package checks

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"slices"
	"sort"
	"strconv"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/hms-platform/hmsdev/compose"
	"github.com/hms-platform/hmsdev/internal/workspace"
	"github.com/hms-platform/hmsdev/kuma"
)

// Target is what the checks expect of the stack: where its parts answer on
// the host and what should be running, derived from the workspace and its
// compose project.
type Target struct {
	Project string `json:"project"`
	Mesh    string `json:"mesh"`
	MTLS    string `json:"mtls"` // the mode hmsdev.yaml asks for
	// KumaAPI and KongProxy are base URLs on the host; "" when unpublished.
	KumaAPI   string `json:"kuma_api"`
	KongProxy string `json:"kong_proxy"`
	// Sidecars are the dataplanes that should be online: each meshed
	// service and Kong.
	Sidecars []Sidecar `json:"sidecars"`
	// Chain is the longest call chain that starts at a Kong route.
	Chain Chain `json:"chain"`
	// Policies are the policies in kuma/policies; each must be in the CP.
	Policies []kuma.Policy `json:"policies"`
	// Ports are the ports the project publishes on 127.0.0.1.
	Ports []Port `json:"ports"`
	// CPAddress is where sidecars must find the control plane.
	CPAddress string `json:"cp_address"`
}

// Sidecar pairs a dataplane with the compose service of its kuma-dp.
type Sidecar struct {
	Dataplane string `json:"dataplane"`
	Service   string `json:"service"` // NAME-sidecar
}

// Chain is a request path: Kong's route to the first hop, then each hop
// calling the next through its sidecar's outbound.
type Chain struct {
	Route string `json:"route"`
	Hops  []Hop  `json:"hops"`
}

// Hop is one service on the chain and the URL its caller uses for it
// (empty for the first, which Kong reaches).
type Hop struct {
	Service string `json:"service"`
	Via     string `json:"via,omitempty"`
}

// Deepest is the last service of the chain.
func (c Chain) Deepest() string {
	if len(c.Hops) == 0 {
		return ""
	}
	return c.Hops[len(c.Hops)-1].Service
}

// Port is one published port and the service that publishes it.
type Port struct {
	Service string `json:"service"`
	Host    int    `json:"host"`
	Target  int    `json:"target"`
}

// Kuma API and Kong proxy ports inside their containers.
const (
	kumaAPIPort   = 5681
	kongProxyPort = 8000
	cpAddress     = "https://" + workspace.KumaCP + ":5678"
)

// TargetFor derives the Target of ws and its compose project p.
func TargetFor(ws *workspace.Workspace, p *types.Project) (Target, error) {
	cfg := &ws.Config
	t := Target{Project: cfg.Project, Mesh: cfg.Kuma.Mesh, MTLS: cfg.Kuma.MTLS, CPAddress: cpAddress}
	t.Ports = publishedPorts(p)
	t.KumaAPI = hostURL(t.Ports, kumaAPIPort, workspace.KumaCP)
	t.KongProxy = hostURL(t.Ports, kongProxyPort, workspace.Kong, workspace.Kong+workspace.SidecarSuffix)
	for _, s := range cfg.Services {
		if s.Meshed() {
			t.Sidecars = append(t.Sidecars, Sidecar{Dataplane: s.Name, Service: s.Name + workspace.SidecarSuffix})
		}
	}
	t.Sidecars = append(t.Sidecars, Sidecar{Dataplane: workspace.Kong, Service: workspace.Kong + workspace.SidecarSuffix})
	t.Chain = DeepestChain(cfg)
	pols, err := expectedPolicies(ws)
	if err != nil {
		return t, err
	}
	t.Policies = pols
	return t, nil
}

// DeepestChain is the longest chain of calls that starts at a service with
// a Kong route (the first in hmsdev.yaml order on a tie).
func DeepestChain(cfg *workspace.Config) Chain {
	calls := map[string][]string{}
	for _, s := range cfg.Services {
		calls[s.Name] = s.Calls
	}
	var longest func(name string, seen map[string]bool) []string
	longest = func(name string, seen map[string]bool) []string {
		seen[name] = true
		defer delete(seen, name)
		best := []string{name}
		for _, next := range calls[name] {
			if seen[next] {
				continue // a cycle: the chain stops before repeating itself
			}
			if p := longest(next, seen); 1+len(p) > len(best) {
				best = append([]string{name}, p...)
			}
		}
		return best
	}
	var c Chain
	for _, s := range cfg.Services {
		if s.Route == "" {
			continue
		}
		if p := longest(s.Name, map[string]bool{}); len(p) > len(c.Hops) {
			c = Chain{Route: s.Route, Hops: make([]Hop, len(p))}
			for i, name := range p {
				c.Hops[i].Service = name
				if i > 0 {
					c.Hops[i].Via = compose.OutboundURL(cfg, name)
				}
			}
		}
	}
	return c
}

// expectedPolicies reads kuma/policies from the workspace (the generated
// copy for the built-in stack), or the embedded defaults when absent.
func expectedPolicies(ws *workspace.Workspace) ([]kuma.Policy, error) {
	var docs []kuma.Document
	dir := ws.Path("kuma/policies")
	_, err := os.Stat(dir)
	switch {
	case err == nil:
		if docs, err = kuma.ReadDocuments(dir, nil); err != nil {
			return nil, err
		}
	case !errors.Is(err, fs.ErrNotExist):
		return nil, err
	case !ws.FromDisk: // the built-in stack before generate wrote it out
		if docs, err = defaultPolicies(); err != nil {
			return nil, err
		}
	}
	out := make([]kuma.Policy, 0, len(docs))
	for _, d := range docs {
		out = append(out, kuma.Policy{Type: d.Type, Name: d.Name})
	}
	return out, nil
}

func defaultPolicies() ([]kuma.Document, error) {
	files := workspace.DefaultFiles()
	names := make([]string, 0, len(files))
	for name := range files {
		if path.Dir(name) == "kuma/policies" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	var docs []kuma.Document
	for _, name := range names {
		d, err := kuma.ParseDocuments(name, files[name])
		if err != nil {
			return nil, err
		}
		docs = append(docs, d...)
	}
	return docs, nil
}

// publishedPorts lists every port the project publishes, by service.
func publishedPorts(p *types.Project) []Port {
	var out []Port
	for _, name := range slices.Sorted(maps.Keys(p.Services)) {
		for _, pc := range p.Services[name].Ports {
			host, err := strconv.Atoi(pc.Published)
			if err != nil || host == 0 {
				continue
			}
			out = append(out, Port{Service: name, Host: host, Target: int(pc.Target)})
		}
	}
	return out
}

// hostURL is http://127.0.0.1:<host port> of target on one of services.
func hostURL(ports []Port, target int, services ...string) string {
	for _, p := range ports {
		for _, s := range services {
			if p.Service == s && p.Target == target {
				return fmt.Sprintf("http://127.0.0.1:%d", p.Host)
			}
		}
	}
	return ""
}
