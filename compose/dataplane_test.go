package compose

import (
	"strings"
	"testing"

	"github.com/hms-platform/hmsdev/internal/workspace"
)

const threeServices = `
services:
  a: {image: x, port: 8080, calls: [b, c], route: /a}
  b: {image: x, port: 8080, calls: [c], protocol: grpc}
  c: {image: x, port: 60000, protocol: tcp}
`

func dataplanes(t *testing.T) map[string]Dataplane {
	ws := parse(t, threeServices)
	out := map[string]Dataplane{workspace.Kong: KongDataplane(&ws.Config)}
	for i := range ws.Config.Services {
		s := &ws.Config.Services[i]
		out[s.Name] = ServiceDataplane(&ws.Config, s)
	}
	return out
}

func TestDataplaneAddressIsTheServicesDNSName(t *testing.T) {
	for name, dp := range dataplanes(t) {
		if dp.Networking.Address != name {
			t.Errorf("%s: address %q", name, dp.Networking.Address)
		}
		if err := CheckDataplane(dp); err != nil {
			t.Error(err)
		}
	}
}

func TestInboundPortDiffersFromAppPort(t *testing.T) {
	dps := dataplanes(t)
	for name, want := range map[string][2]int{"a": {18080, 8080}, "c": {50000, 60000}} {
		in := dps[name].Networking.Inbound[0]
		if in.Port != want[0] || in.ServicePort != want[1] || in.ServiceAddress != "127.0.0.1" {
			t.Errorf("%s inbound %+v, want port %d servicePort %d on 127.0.0.1", name, in, want[0], want[1])
		}
	}
}

func TestEveryInboundAndOutboundIsTagged(t *testing.T) {
	for name, dp := range dataplanes(t) {
		for _, in := range dp.Networking.Inbound {
			if in.Tags[TagService] != name || in.Tags[TagProtocol] == "" {
				t.Errorf("%s inbound tags %v", name, in.Tags)
			}
		}
		for _, out := range dp.Networking.Outbound {
			if out.Tags[TagService] == "" {
				t.Errorf("%s outbound %d has no %s", name, out.Port, TagService)
			}
		}
	}
	if got := dataplanes(t)["b"].Networking.Inbound[0].Tags[TagProtocol]; got != "grpc" {
		t.Errorf("b's protocol tag %q", got)
	}
}

func TestOutboundPortsAreUniquePerCallerAndStableAcrossCallers(t *testing.T) {
	dps := dataplanes(t)
	portOf := map[string]int{}
	for name, dp := range dps {
		seen := map[int]bool{}
		for _, out := range dp.Networking.Outbound {
			target := out.Tags[TagService]
			if seen[out.Port] {
				t.Errorf("%s: outbound port %d twice", name, out.Port)
			}
			seen[out.Port] = true
			if p, ok := portOf[target]; ok && p != out.Port {
				t.Errorf("%s reaches %s on %d, another caller on %d", name, target, out.Port, p)
			}
			portOf[target] = out.Port
		}
	}
	if portOf["a"] != 10001 || portOf["b"] != 10002 || portOf["c"] != 10003 {
		t.Errorf("outbound ports %v, want a=10001 b=10002 c=10003 (hmsdev.yaml order)", portOf)
	}
}

func TestKongIsADelegatedGatewayToEveryRoutedService(t *testing.T) {
	dp := dataplanes(t)[workspace.Kong]
	if dp.Networking.Gateway == nil || dp.Networking.Gateway.Type != "DELEGATED" || dp.Networking.Gateway.Tags[TagService] != "kong" {
		t.Fatalf("kong gateway %+v", dp.Networking.Gateway)
	}
	if len(dp.Networking.Outbound) != 1 || dp.Networking.Outbound[0].Tags[TagService] != "a" {
		t.Errorf("kong outbounds %+v, want only the routed service a", dp.Networking.Outbound)
	}
}

func TestCheckDataplaneRejects(t *testing.T) {
	good := func() Dataplane {
		return Dataplane{Name: "a", Networking: Networking{
			Address:  "a",
			Inbound:  []Inbound{{Port: 18080, ServicePort: 8080, Tags: map[string]string{TagService: "a"}}},
			Outbound: []Outbound{{Port: 10001, Tags: map[string]string{TagService: "b"}}},
		}}
	}
	for name, tc := range map[string]struct {
		mutate func(*Dataplane)
		want   string
	}{
		"wildcard address":    {func(d *Dataplane) { d.Networking.Address = "0.0.0.0" }, "address"},
		"ipv6 wildcard":       {func(d *Dataplane) { d.Networking.Address = "::" }, "address"},
		"inbound = app port":  {func(d *Dataplane) { d.Networking.Inbound[0].Port = 8080 }, "equals the app's port"},
		"untagged inbound":    {func(d *Dataplane) { d.Networking.Inbound[0].Tags = nil }, "inbound 18080 lacks"},
		"untagged outbound":   {func(d *Dataplane) { d.Networking.Outbound[0].Tags = nil }, "outbound 10001 lacks"},
		"duplicate outbound":  {func(d *Dataplane) { d.Networking.Outbound = append(d.Networking.Outbound, d.Networking.Outbound[0]) }, "already used"},
		"outbound = inbound":  {func(d *Dataplane) { d.Networking.Outbound[0].Port = 18080 }, "already used by inbound"},
		"outbound = app port": {func(d *Dataplane) { d.Networking.Outbound[0].Port = 8080 }, "already used by the app"},
		"no inbound, no gw":   {func(d *Dataplane) { d.Networking.Inbound = nil }, "needs an inbound"},
		"untagged gateway":    {func(d *Dataplane) { d.Networking.Gateway = &Gateway{Type: "DELEGATED"} }, "gateway lacks"},
		"app on envoy admin":  {func(d *Dataplane) { d.Networking.Inbound[0].ServicePort = 9901 }, "taken by Envoy's admin API"},
		"inbound on coredns":  {func(d *Dataplane) { d.Networking.Inbound[0].Port = 15053 }, "already used by kuma-dp's CoreDNS"},
		"outbound on metrics": {func(d *Dataplane) { d.Networking.Outbound[0].Port = 5670 }, "already used by the mesh's Prometheus"},
	} {
		dp := good()
		if err := CheckDataplane(dp); err != nil {
			t.Fatalf("the good dataplane fails: %v", err)
		}
		tc.mutate(&dp)
		if err := CheckDataplane(dp); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error containing %q", name, err, tc.want)
		}
	}
}
