package orchestrator

import (
	"reflect"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/types"
)

func svc(name, netMode string, deps ...string) types.ServiceConfig {
	s := types.ServiceConfig{Name: name}
	s.NetworkMode = netMode
	if len(deps) > 0 {
		s.DependsOn = types.DependsOnConfig{}
		for _, d := range deps {
			s.DependsOn[d] = types.ServiceDependency{Condition: types.ServiceConditionHealthy, Required: true}
		}
	}
	return s
}

func project(services ...types.ServiceConfig) *types.Project {
	p := &types.Project{Name: "t", Services: types.Services{}}
	for _, s := range services {
		p.Services[s.Name] = s
	}
	return p
}

func TestPlanOrderAndNamespaceEdges(t *testing.T) {
	p := project(
		svc("db", ""),
		svc("a-sidecar", ""),
		svc("a", "service:a-sidecar", "db"),
		svc("gw", "", "a"),
	)
	pl, err := NewPlan(p)
	if err != nil {
		t.Fatal(err)
	}
	pos := map[string]int{}
	for i, n := range pl.Order() {
		pos[n] = i
	}
	for _, edge := range [][2]string{{"a-sidecar", "a"}, {"db", "a"}, {"a", "gw"}} {
		if pos[edge[0]] > pos[edge[1]] {
			t.Errorf("order %v: %s after %s", pl.Order(), edge[0], edge[1])
		}
	}
	deps := pl.Dependencies("a")
	if len(deps) != 2 || deps[0].Service != "a-sidecar" || !deps[0].Namespace || deps[0].Condition != types.ServiceConditionStarted {
		t.Errorf("deps of a = %+v", deps)
	}
	if got := pl.NamespaceDependents("a-sidecar"); !reflect.DeepEqual(got, []string{"a"}) {
		t.Errorf("namespace dependents = %v", got)
	}
	got, err := pl.Closure("a")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, ",") != "a-sidecar,db,a" && strings.Join(got, ",") != "db,a-sidecar,a" {
		t.Errorf("closure(a) = %v", got)
	}
	if _, err := pl.Closure("nope"); err == nil {
		t.Error("closure of an unknown service should fail")
	}
}

func TestPlanCycleIsNamed(t *testing.T) {
	p := project(svc("x", "", "y"), svc("y", "service:z"), svc("z", "", "x"))
	_, err := NewPlan(p)
	if err == nil || !strings.Contains(err.Error(), "x -> y -> z -> x") {
		t.Fatalf("err = %v, want the cycle x -> y -> z -> x", err)
	}
}

func TestHashFollowsNamespaceOwner(t *testing.T) {
	s := svc("a", "service:a-sidecar", "db")
	h1, _ := configHash(s, "id1")
	h2, _ := configHash(s, "id2")
	h3, _ := configHash(s, "id1")
	if h1 == h2 || h1 != h3 {
		t.Errorf("hash must change with the owner's container ID only: %s %s %s", h1, h2, h3)
	}
	s.DependsOn = nil
	if h4, _ := configHash(s, "id1"); h4 != h1 {
		t.Error("depends_on must not change the hash")
	}
}

// The hash of a service whose maps (environment, labels) are built in a
// different order is the same: an unchanged service is never recreated.
func TestHashIgnoresMapOrder(t *testing.T) {
	build := func(keys []string) types.ServiceConfig {
		s := svc("a", "")
		s.Environment = types.MappingWithEquals{}
		s.Labels = types.Labels{}
		for _, k := range keys {
			v := "v" + k
			s.Environment[k] = &v
			s.Labels[k] = v
		}
		return s
	}
	keys := []string{"K0", "K1", "K2", "K3", "K4", "K5", "K6", "K7", "K8", "K9"}
	want, _ := configHash(build(keys), "")
	for i := range 20 {
		rotated := append(append([]string(nil), keys[i%len(keys):]...), keys[:i%len(keys)]...)
		if got, _ := configHash(build(rotated), ""); got != want {
			t.Fatalf("hash changed with the maps' insertion order: %s != %s", got, want)
		}
	}
}

func TestImageKey(t *testing.T) {
	for svc, want := range map[string]string{
		"kuma-cp": "infra.kuma-cp.image", "kong": "infra.kong.image", "kong-sidecar": "infra.kuma-dp.image",
		"hms-auth-bff-sidecar": "infra.kuma-dp.image", "hms-auth-bff": "services.hms-auth-bff.image",
	} {
		if got := HmsdevImageKey(svc); got != want {
			t.Errorf("HmsdevImageKey(%s) = %s, want %s", svc, got, want)
		}
	}
}
