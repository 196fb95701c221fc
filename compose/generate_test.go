package compose

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hms-platform/hmsdev/internal/fix"
	"github.com/hms-platform/hmsdev/internal/workspace"
)

// TestGenerateTwiceRewritesNothing: the second run finds every file current
// and leaves its mtime alone (what keeps a no-op `up` fast and quiet).
func TestGenerateTwiceRewritesNothing(t *testing.T) {
	ws := initWorkspace(t)
	mustGenerate(t, ws, Options{})
	past := time.Now().Add(-time.Hour).Truncate(time.Second)
	var paths []string
	filepath.WalkDir(ws.Dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			paths = append(paths, p)
			os.Chtimes(p, past, past)
		}
		return nil
	})
	for _, c := range mustGenerate(t, ws, Options{}) {
		if c.Action != "unchanged" {
			t.Errorf("second generate: %s %s", c.Action, c.Path)
		}
	}
	for _, p := range paths {
		if st, _ := os.Stat(p); !st.ModTime().Equal(past) {
			t.Errorf("%s was rewritten (mtime %v)", p, st.ModTime())
		}
	}
}

func TestGenerateRefusesHandEditsUnlessForced(t *testing.T) {
	ws := initWorkspace(t)
	mustGenerate(t, ws, Options{})
	compose := ws.ComposeFile()
	edited := read(t, compose) + "# my tweak\n"
	os.WriteFile(compose, []byte(edited), 0o644)
	// A change in hmsdev.yaml that would rewrite the edited file.
	cfg := strings.Replace(read(t, ws.Path("hmsdev.yaml")), "port: 8081", "port: 8082", 1)
	os.WriteFile(ws.Path("hmsdev.yaml"), []byte(cfg), 0o644)
	ws, err := workspace.Load(ws.Dir)
	if err != nil {
		t.Fatal(err)
	}
	dpBefore := read(t, ws.Path(DataplaneFile("hms-onboarding-workflow")))

	_, _, err = Generate(ws, Options{})
	fe, ok := fix.As(err)
	if !ok || !strings.Contains(fe.What, "docker-compose.yml") || !strings.Contains(fe.Fix, "hmsdev.yaml") || !strings.Contains(fe.Fix, "--force") {
		t.Fatalf("want a refusal naming docker-compose.yml with a fix, got %v", err)
	}
	if read(t, compose) != edited || read(t, ws.Path(DataplaneFile("hms-onboarding-workflow"))) != dpBefore {
		t.Fatal("a refused generate wrote files")
	}

	mustGenerate(t, ws, Options{Force: true})
	if got := read(t, compose); strings.Contains(got, "# my tweak") || !strings.Contains(got, `published: "8082"`) {
		t.Fatalf("--force did not regenerate:\n%s", got)
	}
}

func TestGenerateRemovesDataplanesOfRemovedServices(t *testing.T) {
	ws := initWorkspace(t)
	extra := filepath.Join(ws.Dir, DataplaneFile("gone"))
	os.WriteFile(extra, withHeader([]byte("type: Dataplane\n")), 0o644)
	mine := filepath.Join(ws.Dir, DataplaneFile("mine"))
	os.WriteFile(mine, []byte("type: Dataplane\n"), 0o644)
	mustGenerate(t, ws, Options{})
	if _, err := os.Stat(extra); !os.IsNotExist(err) {
		t.Error("the dataplane of a removed service is still there")
	}
	if _, err := os.Stat(mine); err != nil {
		t.Error("a dataplane hmsdev did not write was removed")
	}
}

func TestGenerateWithoutWorkspaceWritesOnlyUnderStateDir(t *testing.T) {
	dir := t.TempDir()
	ws, err := workspace.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	mustGenerate(t, ws, Options{})
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != workspace.StateDir {
		t.Fatalf("generate without a workspace wrote %v; want only %s", entries, workspace.StateDir)
	}
	for _, f := range []string{"docker-compose.yml", "kuma/mesh-default.yaml", "kuma/policies/mesh-retry.yaml", "kuma/dataplanes/kong.yaml", "kong/kong.yml", "demo/Dockerfile", "demo/hmsdev"} {
		if _, err := os.Stat(filepath.Join(dir, workspace.StateDir, f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}
	if got := read(t, ws.ComposeFile()); !strings.Contains(got, "context: ./demo") {
		t.Errorf("the demo build context should be relative to the compose file:\n%s", got)
	}
}

func TestInitRefusesToOverwrite(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "hmsdev.yaml"), []byte("project: mine\n"), 0o644)
	os.MkdirAll(filepath.Join(dir, "kong"), 0o755)
	os.WriteFile(filepath.Join(dir, "kong", "kong.yml"), []byte("mine\n"), 0o644)
	_, err := Init(dir, false)
	fe, ok := fix.As(err)
	if !ok || !strings.Contains(fe.What, "hmsdev.yaml") || !strings.Contains(fe.What, "kong/kong.yml") || !strings.Contains(fe.Fix, "--force") {
		t.Fatalf("want a refusal naming both files, got %v", err)
	}
	if read(t, filepath.Join(dir, "hmsdev.yaml")) != "project: mine\n" {
		t.Fatal("init overwrote hmsdev.yaml")
	}
	if _, err := os.Stat(filepath.Join(dir, "kuma")); !os.IsNotExist(err) {
		t.Fatal("a refused init wrote other files")
	}
	if _, err := Init(dir, true); err != nil {
		t.Fatalf("init --force: %v", err)
	}
	if read(t, filepath.Join(dir, "hmsdev.yaml")) != string(workspace.DefaultConfig()) {
		t.Fatal("init --force did not write the default hmsdev.yaml")
	}
}

func TestInitWritesEveryDefaultFile(t *testing.T) {
	ws := initWorkspace(t)
	for _, f := range []string{
		"hmsdev.yaml", "kuma/mesh-default.yaml",
		"kuma/policies/mesh-retry.yaml", "kuma/policies/mesh-circuit-breaker.yaml", "kuma/policies/mesh-timeout.yaml",
		"kuma/policies/mesh-trace.yaml", "kuma/policies/mesh-traffic-permission.yaml",
		"kuma/dataplanes/hms-auth-bff.yaml", "kuma/dataplanes/hms-onboarding-workflow.yaml", "kong/kong.yml",
	} {
		if _, err := os.Stat(ws.Path(f)); err != nil {
			t.Errorf("init did not write %s", f)
		}
	}
	if !ws.FromDisk {
		t.Error("the initialised workspace did not load from disk")
	}
}

// The demo build context's copy of hmsdev is compared without reading it
// whole; a copy that differs, even at the same size, is still replaced.
func TestGenerateReplacesAStaleDemoBinary(t *testing.T) {
	ws := initWorkspace(t)
	mustGenerate(t, ws, Options{})
	copyPath := filepath.Join(ws.DemoDir(), "hmsdev")
	want := read(t, copyPath)
	if err := os.WriteFile(copyPath, []byte(strings.Repeat("x", len(want))), 0o755); err != nil {
		t.Fatal(err)
	}
	var action string
	for _, c := range mustGenerate(t, ws, Options{}) {
		if filepath.Base(c.Path) == "hmsdev" {
			action = c.Action
		}
	}
	if action != "written" || read(t, copyPath) != want {
		t.Errorf("stale demo binary: action %q, content %q", action, read(t, copyPath))
	}
}
