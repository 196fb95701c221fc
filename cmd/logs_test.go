package cmd

import (
	"strings"
	"testing"

	"github.com/hms-platform/hmsdev/internal/stack"
)

func TestSelectContainersIncludesSidecars(t *testing.T) {
	all := []stack.Container{{Service: "hms-auth-bff"}, {Service: "hms-auth-bff-sidecar"}, {Service: "kong"}, {Service: "kong-sidecar"}, {Service: "kuma-cp"}}
	got, err := selectContainers(all, []string{"hms-auth-bff", "kuma-cp"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range got {
		names = append(names, c.Service)
	}
	if strings.Join(names, " ") != "hms-auth-bff hms-auth-bff-sidecar kuma-cp" {
		t.Errorf("selected %v", names)
	}
	if got, _ := selectContainers(all, nil); len(got) != len(all) {
		t.Errorf("no names selected %d of %d", len(got), len(all))
	}
	if _, err := selectContainers(all, []string{"billing"}); err == nil || !strings.Contains(err.Error(), "hms-auth-bff, hms-auth-bff-sidecar, kong") {
		t.Errorf("unknown service: %v", err)
	}
}
