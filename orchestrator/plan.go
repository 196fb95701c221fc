package orchestrator

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
)

// Dependency is one edge of the plan: a service waits for Service to reach
// Condition before it starts.
type Dependency struct {
	Service   string
	Condition string // types.ServiceCondition*
	// Namespace marks a network_mode: service:X edge: the dependent lives in
	// X's network namespace, so it must be recreated or restarted with X.
	Namespace bool
}

// Plan is the dependency graph of a project's services.
type Plan struct {
	project *types.Project
	deps    map[string][]Dependency // service -> what it waits for
	order   []string                // a topological order, dependencies first
}

// NamespaceOwner returns X for network_mode: service:X, else "".
func NamespaceOwner(s types.ServiceConfig) string {
	owner, _ := strings.CutPrefix(s.NetworkMode, types.ServicePrefix)
	if owner == s.NetworkMode {
		return ""
	}
	return owner
}

// NewPlan builds the graph from depends_on and every network_mode:
// service: edge (implicit in Compose, written or not). A cycle is an error
// that names it.
func NewPlan(p *types.Project) (*Plan, error) {
	pl := &Plan{project: p, deps: map[string][]Dependency{}}
	for _, name := range p.ServiceNames() {
		s := p.Services[name]
		seen := map[string]int{}
		add := func(d Dependency) {
			if i, ok := seen[d.Service]; ok {
				pl.deps[name][i].Namespace = pl.deps[name][i].Namespace || d.Namespace
				return
			}
			seen[d.Service] = len(pl.deps[name])
			pl.deps[name] = append(pl.deps[name], d)
		}
		if owner := NamespaceOwner(s); owner != "" {
			if _, ok := p.Services[owner]; !ok {
				return nil, fmt.Errorf("service %s: network_mode: service:%s names no service in the project", name, owner)
			}
			cond := types.ServiceConditionStarted
			if d, ok := s.DependsOn[owner]; ok && d.Condition != "" {
				cond = d.Condition
			}
			add(Dependency{Service: owner, Condition: cond, Namespace: true})
		}
		for _, dep := range slices.Sorted(maps.Keys(s.DependsOn)) {
			d := s.DependsOn[dep]
			if _, ok := p.Services[dep]; !ok {
				if !d.Required {
					continue
				}
				return nil, fmt.Errorf("service %s: depends_on %s, which is not in the project", name, dep)
			}
			cond := d.Condition
			if cond == "" {
				cond = types.ServiceConditionStarted
			}
			add(Dependency{Service: dep, Condition: cond})
		}
		if pl.deps[name] == nil {
			pl.deps[name] = nil
		}
	}
	order, err := topoSort(pl.deps)
	if err != nil {
		return nil, err
	}
	pl.order = order
	return pl, nil
}

// Dependencies returns what service waits for.
func (pl *Plan) Dependencies(service string) []Dependency { return pl.deps[service] }

// Order returns every service, dependencies before dependents.
func (pl *Plan) Order() []string { return append([]string(nil), pl.order...) }

// NamespaceDependents returns the services living in service's network
// namespace, directly or through a chain.
func (pl *Plan) NamespaceDependents(service string) []string {
	var out []string
	seen := map[string]bool{service: true}
	queue := []string{service}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, name := range pl.order {
			if seen[name] {
				continue
			}
			for _, d := range pl.deps[name] {
				if d.Namespace && d.Service == cur {
					seen[name] = true
					out = append(out, name)
					queue = append(queue, name)
				}
			}
		}
	}
	return out
}

// Closure returns services and everything they depend on, in plan order.
// No names means every service. An unknown name is an error.
func (pl *Plan) Closure(services ...string) ([]string, error) {
	if len(services) == 0 {
		return pl.Order(), nil
	}
	want := map[string]bool{}
	var visit func(string)
	visit = func(n string) {
		if want[n] {
			return
		}
		want[n] = true
		for _, d := range pl.deps[n] {
			visit(d.Service)
		}
	}
	for _, s := range services {
		if _, ok := pl.deps[s]; !ok {
			return nil, fmt.Errorf("no service %q in the project (services: %s)", s, strings.Join(pl.order, ", "))
		}
		visit(s)
	}
	var out []string
	for _, n := range pl.order {
		if want[n] {
			out = append(out, n)
		}
	}
	return out, nil
}

// topoSort orders the graph dependencies first, ties broken by name so the
// order is stable; a cycle is reported as a -> b -> a.
func topoSort(deps map[string][]Dependency) ([]string, error) {
	const (
		unvisited = iota
		visiting
		done
	)
	state := map[string]int{}
	var order, stack []string
	var visit func(string) error
	visit = func(n string) error {
		switch state[n] {
		case done:
			return nil
		case visiting:
			i := indexOf(stack, n)
			cycle := append(append([]string(nil), stack[i:]...), n)
			return fmt.Errorf("dependency cycle: %s", strings.Join(cycle, " -> "))
		}
		state[n] = visiting
		stack = append(stack, n)
		for _, d := range deps[n] {
			if err := visit(d.Service); err != nil {
				return err
			}
		}
		stack = stack[:len(stack)-1]
		state[n] = done
		order = append(order, n)
		return nil
	}
	for _, n := range slices.Sorted(maps.Keys(deps)) {
		if err := visit(n); err != nil {
			return nil, err
		}
	}
	return order, nil
}

func indexOf(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}
