package compose

import (
	"os"
	"path/filepath"
	"testing"
)

// TestGoldenDefaultWorkspace pins what generate writes for `hmsdev init`'s
// workspace. Run `go test ./compose -run Golden -update` after an intended
// change and review the diff.
func TestGoldenDefaultWorkspace(t *testing.T) {
	ws := initWorkspace(t)
	mustGenerate(t, ws, Options{})
	for _, name := range []string{
		"docker-compose.yml",
		"kuma/dataplanes/hms-auth-bff.yaml",
		"kuma/dataplanes/hms-onboarding-workflow.yaml",
		"kuma/dataplanes/kong.yaml",
		"kong/kong.yml",
	} {
		got := read(t, ws.Path(name))
		golden := filepath.Join("testdata", "default", filepath.FromSlash(name))
		if *update {
			if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want := read(t, golden)
		if got != want {
			t.Errorf("%s differs from %s (rerun with -update if intended):\n--- got\n%s", name, golden, got)
		}
	}
}
