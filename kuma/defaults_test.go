package kuma

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/hms-platform/hmsdev/e2e/standin/kumacp"
	"github.com/hms-platform/hmsdev/internal/workspace"
)

// The embedded default workspace's mesh and policies pass the checks, are
// accepted, and a second apply leaves them alone.
func TestDefaultWorkspaceAppliesCleanly(t *testing.T) {
	c, _, _ := standIn(t, kumacp.Options{})
	files := workspace.DefaultFiles()
	var names []string
	for n := range files {
		if strings.HasPrefix(n, "kuma/policies/") {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	var docs []Document
	for _, n := range append([]string{"kuma/mesh-default.yaml"}, names...) {
		docs = append(docs, mustParse(t, n, string(files[n]))...)
	}
	if len(docs) < 6 {
		t.Fatalf("only %d documents", len(docs))
	}
	applyAll(t, c, docs)
	for i, a := range applyAll(t, c, docs) {
		if a != Unchanged {
			t.Errorf("%s applied twice: %s", docs[i].File, a)
		}
	}
	m, _ := c.Mesh(context.Background(), "default")
	if MTLSMode(m) != "PERMISSIVE" {
		t.Errorf("mode %q", MTLSMode(m))
	}
}
