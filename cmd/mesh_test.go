package cmd

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hms-platform/hmsdev/compose"
	"github.com/hms-platform/hmsdev/internal/ui"
	"github.com/hms-platform/hmsdev/internal/workspace"
)

// inWorkspace points the commands at dir for the test.
func inWorkspace(t *testing.T, dir string) {
	t.Helper()
	old := global.dir
	global.dir = dir
	t.Cleanup(func() { global.dir = old })
}

// mesh mtls sets both files; with the control plane down (and --force for
// strict) it writes them and says the next up applies them. Then the
// workspace loads for up again.
func TestMeshMTLSSetsBothFiles(t *testing.T) {
	dir := t.TempDir()
	if _, err := compose.Init(dir, false); err != nil {
		t.Fatal(err)
	}
	inWorkspace(t, dir)
	t.Setenv(kumaAPIEnvVar, "http://127.0.0.1:1")
	var out bytes.Buffer
	if err := runMeshMTLS(context.Background(), ui.New(&out, &out, ui.Text), workspace.ModeStrict, "", true); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"updated hmsdev.yaml: kuma.mtls strict", "updated kuma/mesh-default.yaml: mTLS mode STRICT", "not applied"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	ws, err := loadWorkspace(dir)
	if err != nil || ws.Config.Kuma.MTLS != "strict" {
		t.Fatalf("after mesh mtls strict: %v", err)
	}
	mesh, _ := os.ReadFile(ws.Path(workspace.MeshFile))
	if !strings.Contains(string(mesh), "mode: STRICT") {
		t.Errorf("mesh file:\n%s", mesh)
	}
}

// A workspace whose two modes disagree is refused where it would be
// generated or applied, but can still be read (status, down), and mesh
// mtls mends it.
func TestMTLSMismatchRefusedOnlyWhereItMatters(t *testing.T) {
	dir := t.TempDir()
	if _, err := compose.Init(dir, false); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, filepath.FromSlash(workspace.MeshFile))
	data, _ := os.ReadFile(path)
	os.WriteFile(path, bytes.Replace(data, []byte("mode: PERMISSIVE"), []byte("mode: STRICT"), 1), 0o644)
	inWorkspace(t, dir)
	if _, err := loadWorkspace(dir); err == nil || !strings.Contains(err.Error(), "hmsdev mesh mtls") {
		t.Errorf("loadWorkspace: %v", err)
	}
	if err := runGenerate(ui.New(&bytes.Buffer{}, &bytes.Buffer{}, ui.Text), dir, false); err == nil || !strings.Contains(err.Error(), "disagree") {
		t.Errorf("generate: %v", err)
	}
	if _, _, err := loadProject(dir); err != nil {
		t.Errorf("loadProject (status, down): %v", err)
	}
	t.Setenv(kumaAPIEnvVar, "http://127.0.0.1:1")
	if err := runMeshMTLS(context.Background(), ui.New(&bytes.Buffer{}, &bytes.Buffer{}, ui.Text), workspace.ModePermissive, "", false); err != nil {
		t.Fatal(err)
	}
	if _, err := loadWorkspace(dir); err != nil {
		t.Errorf("after mesh mtls permissive: %v", err)
	}
}

// Without hmsdev.yaml there is nothing to keep the mode in: mesh mtls says
// to run init, and writes nothing.
func TestMeshMTLSNeedsAWorkspace(t *testing.T) {
	dir := t.TempDir()
	inWorkspace(t, dir)
	err := runMeshMTLS(context.Background(), ui.New(&bytes.Buffer{}, &bytes.Buffer{}, ui.Text), workspace.ModeStrict, "", true)
	if err == nil || !strings.Contains(err.Error(), "hmsdev init") {
		t.Errorf("got %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("wrote %v", entries)
	}
}

// Going strict without --force needs the control plane to say what would
// break; when it does not answer, mesh mtls fails and changes no file.
func TestMeshMTLSStrictRefusedWithoutControlPlane(t *testing.T) {
	dir := t.TempDir()
	if _, err := compose.Init(dir, false); err != nil {
		t.Fatal(err)
	}
	inWorkspace(t, dir)
	t.Setenv(kumaAPIEnvVar, "http://127.0.0.1:1")
	files := []string{filepath.Join(dir, workspace.FileName), filepath.Join(dir, filepath.FromSlash(workspace.MeshFile))}
	var before [][]byte
	for _, f := range files {
		data, _ := os.ReadFile(f)
		before = append(before, data)
	}
	err := runMeshMTLS(context.Background(), ui.New(&bytes.Buffer{}, &bytes.Buffer{}, ui.Text), workspace.ModeStrict, "", false)
	if err == nil || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("got %v, want a refusal naming --force", err)
	}
	for i, f := range files {
		if data, _ := os.ReadFile(f); !bytes.Equal(data, before[i]) {
			t.Errorf("%s changed by a refused mesh mtls strict", f)
		}
	}
}
