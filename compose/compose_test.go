package compose

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/hms-platform/hmsdev/internal/workspace"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestMain points the demo image at a small stand-in binary: the test
// binary itself is dynamic under -race, and golden files need a stable tag.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "hmsdev-compose-test")
	if err != nil {
		panic(err)
	}
	fake := filepath.Join(dir, "hmsdev")
	if err := os.WriteFile(fake, []byte("stand-in hmsdev binary\n"), 0o755); err != nil {
		panic(err)
	}
	Executable = func() (string, error) { return fake, nil }
	checkExecutable = func(string) error { return nil }
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// initWorkspace writes the default workspace into a fresh directory and
// loads it.
func initWorkspace(t *testing.T) *workspace.Workspace {
	t.Helper()
	dir := t.TempDir()
	if _, err := Init(dir, false); err != nil {
		t.Fatalf("init: %v", err)
	}
	ws, err := workspace.Load(dir)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	return ws
}

func mustGenerate(t *testing.T, ws *workspace.Workspace, opts Options) []Change {
	t.Helper()
	_, changes, err := Generate(ws, opts)
	if err != nil {
		t.Fatalf("generate: %v", err)
	}
	return changes
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
