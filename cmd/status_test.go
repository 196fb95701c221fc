package cmd

import (
	"bytes"
	"strings"
	"testing"

	"github.com/hms-platform/hmsdev/internal/ui"
	"github.com/hms-platform/hmsdev/orchestrator"
)

// A sidecar publishes its app's port; the table shows it on the app's row.
func TestStatusShowsASidecarsPortsOnItsApp(t *testing.T) {
	var out bytes.Buffer
	printContainers(ui.New(&out, &out, ui.Text), "hms", []orchestrator.ContainerState{
		{Service: "bff", ID: "app1", State: "running", NamespaceOf: "side1"},
		{Service: "bff-sidecar", ID: "side1", State: "running", Ports: []orchestrator.PublishedPort{{HostIP: "127.0.0.1", HostPort: 8080, ContainerPort: 8080, Protocol: "tcp"}}},
		{Service: "kuma-cp", ID: "cp", State: "running", Ports: []orchestrator.PublishedPort{{HostIP: "127.0.0.1", HostPort: 5681, ContainerPort: 5681, Protocol: "tcp"}}},
	})
	rows := map[string]string{}
	for _, line := range strings.Split(out.String(), "\n") {
		if f := strings.Fields(line); len(f) > 0 {
			rows[f[0]] = line
		}
	}
	if !strings.Contains(rows["bff"], "http://127.0.0.1:8080") {
		t.Errorf("bff's row lacks its URL: %q", rows["bff"])
	}
	if strings.Contains(rows["bff-sidecar"], "http://") {
		t.Errorf("the sidecar's row repeats its app's URL: %q", rows["bff-sidecar"])
	}
	if !strings.Contains(rows["kuma-cp"], "http://127.0.0.1:5681") {
		t.Errorf("kuma-cp's row lacks its URL: %q", rows["kuma-cp"])
	}
}
