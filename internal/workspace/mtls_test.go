package workspace

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// configMTLS is an hmsdev.yaml with kuma.mtls on line 4.
const configMTLS = `project: demo
kuma:
  version: 2.5.0
  mtls: %s   # the mode
services:
  a: {image: x, port: 1}
`

// meshMTLS is a mesh file with the enabled backend's mode on line 9.
const meshMTLS = `# the mesh
type: Mesh
name: default
mtls:
  enabledBackend: ca-1
  backends:
    - name: ca-1
      type: builtin
      mode: %s
      conf:
        caCert: {RSAbits: 2048}
`

// onDisk writes hmsdev.yaml and, unless mesh is "", the mesh file.
func onDisk(t *testing.T, config, mesh string) string {
	t.Helper()
	dir := t.TempDir()
	write(t, filepath.Join(dir, FileName), config)
	if mesh != "" {
		write(t, filepath.Join(dir, filepath.FromSlash(MeshFile)), mesh)
	}
	return dir
}

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func load(t *testing.T, dir string) *Workspace {
	t.Helper()
	ws, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

func sprintf(format, arg string) string { return strings.Replace(format, "%s", arg, 1) }

func TestCheckMTLSNamesBothFilesTheirLinesAndTheFix(t *testing.T) {
	for name, tc := range map[string]struct {
		config, mesh string
		want         []string
	}{
		"strict over permissive": {sprintf(configMTLS, "strict"), sprintf(meshMTLS, "PERMISSIVE"), []string{
			"hmsdev.yaml:4 and kuma/mesh-default.yaml:9 disagree", "kuma.mtls is strict", "backend ca-1 has mode PERMISSIVE",
			"fix: run `hmsdev mesh mtls strict` to set both", "`hmsdev mesh mtls permissive`", "edit one file"}},
		"permissive over strict": {sprintf(configMTLS, "permissive"), sprintf(meshMTLS, "STRICT"), []string{
			"hmsdev.yaml:4 and kuma/mesh-default.yaml:9 disagree", "kuma.mtls is permissive", "mode STRICT", "`hmsdev mesh mtls permissive`"}},
		"no mode is STRICT": {sprintf(configMTLS, "permissive"), strings.Replace(sprintf(meshMTLS, ""), "      mode: \n", "", 1), []string{
			"hmsdev.yaml:4 and kuma/mesh-default.yaml:7 disagree", "has no mode, which Kuma reads as STRICT"}},
		"no mtls section": {sprintf(configMTLS, "strict"), "type: Mesh\nname: default\n", []string{
			"hmsdev.yaml:4: kuma.mtls is strict, but kuma/mesh-default.yaml has no mtls: section", "without mTLS",
			"fix: give kuma/mesh-default.yaml a builtin CA backend", "mode: STRICT", "remove kuma.mtls from hmsdev.yaml"}},
		"no enabled backend": {sprintf(configMTLS, "permissive"), "type: Mesh\nname: default\nmtls:\n  backends: []\n", []string{
			"hmsdev.yaml:4: kuma.mtls is permissive, but kuma/mesh-default.yaml:3 has no mtls.enabledBackend"}},
		"enabled backend missing": {sprintf(configMTLS, "strict"), strings.Replace(sprintf(meshMTLS, "STRICT"), "enabledBackend: ca-1", "enabledBackend: ca-2", 1), []string{
			`kuma/mesh-default.yaml:5: mtls.enabledBackend "ca-2" names no backend`}},
	} {
		err := load(t, onDisk(t, tc.config, tc.mesh)).CheckMTLS()
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error lacks %q:\n%v", name, w, err)
			}
		}
	}
}

func TestCheckMTLSAccepts(t *testing.T) {
	for name, dir := range map[string]string{
		"agreeing":              onDisk(t, sprintf(configMTLS, "strict"), sprintf(meshMTLS, "STRICT")),
		"quoted, any case":      onDisk(t, sprintf(configMTLS, `"permissive"`), sprintf(meshMTLS, "'permissive'")),
		"no mode, strict":       onDisk(t, sprintf(configMTLS, "strict"), strings.Replace(sprintf(meshMTLS, ""), "      mode: \n", "", 1)),
		"no mesh file":          onDisk(t, sprintf(configMTLS, "strict"), ""),
		"kuma.mtls not set":     onDisk(t, "services: {a: {image: x, port: 1}}\n", sprintf(meshMTLS, "STRICT")),
		"not set, mTLS off":     onDisk(t, "services: {a: {image: x, port: 1}}\n", "type: Mesh\nname: default\n"),
		"flow kuma, agreeing":   onDisk(t, "kuma: {mtls: permissive}\n", sprintf(meshMTLS, "PERMISSIVE")),
		"embedded default":      t.TempDir(),
		"init'd default":        initDir(t),
		"init'd default, again": initDir(t),
	} {
		if err := load(t, dir).CheckMTLS(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// An unset kuma.mtls takes the mesh file's mode, so verify and doctor
// expect what up applies.
func TestUnsetMTLSComesFromTheMeshFile(t *testing.T) {
	ws := load(t, onDisk(t, "services: {a: {image: x, port: 1}}\n", sprintf(meshMTLS, "STRICT")))
	if ws.MTLSSet() || ws.Config.Kuma.MTLS != "strict" {
		t.Errorf("set %v, mode %q", ws.MTLSSet(), ws.Config.Kuma.MTLS)
	}
	ws = load(t, onDisk(t, "services: {a: {image: x, port: 1}}\n", ""))
	if ws.Config.Kuma.MTLS != DefaultMTLS {
		t.Errorf("without a mesh file: %q", ws.Config.Kuma.MTLS)
	}
}

// initDir writes the embedded default workspace to disk, as hmsdev init does.
func initDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range DefaultFiles() {
		write(t, filepath.Join(dir, filepath.FromSlash(name)), string(data))
	}
	return dir
}

// The built-in workspace agrees with itself: the mode its hmsdev.yaml sets
// is the one its mesh file applies.
func TestDefaultWorkspaceAgreesWithItself(t *testing.T) {
	ws := load(t, t.TempDir())
	m, err := ReadMeshMTLS(MeshFile, DefaultFiles()[MeshFile])
	if err != nil {
		t.Fatal(err)
	}
	if !ws.MTLSSet() || m.Backend == "" || m.Mode != strings.ToUpper(ws.Config.Kuma.MTLS) {
		t.Errorf("hmsdev.yaml says %q (set %v), the mesh file %+v", ws.Config.Kuma.MTLS, ws.MTLSSet(), m)
	}
}

// mesh mtls changes exactly the two mode values, nothing else, byte for byte.
func TestSetMTLSChangesOnlyTheModes(t *testing.T) {
	dir := initDir(t)
	files := DefaultFiles()
	config, mesh := string(files[FileName]), string(files[MeshFile])
	ws := load(t, dir)
	c, m, err := ws.SetMTLS("strict")
	if err != nil {
		t.Fatal(err)
	}
	wantConfig := strings.Replace(config, "\n  mtls: permissive\n", "\n  mtls: strict\n", 1)
	wantMesh := strings.Replace(mesh, "\n      mode: PERMISSIVE\n", "\n      mode: STRICT\n", 1)
	if wantConfig == config || wantMesh == mesh {
		t.Fatal("the default files changed shape; update this test")
	}
	if string(c.New) != wantConfig || string(m.New) != wantMesh {
		t.Errorf("hmsdev.yaml:\n%s\nkuma/mesh-default.yaml:\n%s", diff(config, string(c.New)), diff(mesh, string(m.New)))
	}
	if c.Rel != FileName || m.Rel != MeshFile || c.Path != filepath.Join(dir, FileName) || !c.Changed() || !m.Changed() {
		t.Errorf("changes %+v %+v", c.Rel, m.Rel)
	}
	// Written, the workspace agrees, says strict, and a second set is a no-op.
	write(t, c.Path, string(c.New))
	write(t, m.Path, string(m.New))
	ws = load(t, dir)
	if err := ws.CheckMTLS(); err != nil || ws.Config.Kuma.MTLS != "strict" {
		t.Errorf("after the switch: %v, mode %s", err, ws.Config.Kuma.MTLS)
	}
	if c, m, err := ws.SetMTLS("STRICT"); err != nil || c.Changed() || m.Changed() {
		t.Errorf("second set: %v %v %v", c.Changed(), m.Changed(), err)
	}
}

// diff shows the lines that differ, for failure messages.
func diff(a, b string) string {
	x, y := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out []string
	for i := 0; i < max(len(x), len(y)); i++ {
		var l, r string
		if i < len(x) {
			l = x[i]
		}
		if i < len(y) {
			r = y[i]
		}
		if l != r {
			out = append(out, "-"+l, "+"+r)
		}
	}
	return strings.Join(out, "\n")
}

func TestSetConfigMTLSShapes(t *testing.T) {
	for name, tc := range map[string]struct{ src, want string }{
		"block":          {"kuma:\n  mtls: permissive\n", "kuma:\n  mtls: strict\n"},
		"flow":           {"kuma: {version: 2.5.0, mtls: permissive, mesh: default}\n", "kuma: {version: 2.5.0, mtls: strict, mesh: default}\n"},
		"double-quoted":  {"kuma:\n  mtls: \"permissive\"   # why\n", "kuma:\n  mtls: \"strict\"   # why\n"},
		"single-quoted":  {"kuma:\n    mtls: 'permissive'\n", "kuma:\n    mtls: 'strict'\n"},
		"CRLF, no final": {"# é\r\nkuma:\r\n  mtls: permissive", "# é\r\nkuma:\r\n  mtls: strict"},
		"unset":          {"kuma:\n  version: 2.5.0\n", "kuma:\n  version: 2.5.0\n"},
		"null":           {"kuma:\n  mtls:\n", "kuma:\n  mtls:\n"},
		"no kuma":        {"project: x\n", "project: x\n"},
		"already strict": {"kuma: {mtls: strict}\n", "kuma: {mtls: strict}\n"},
	} {
		got, err := SetConfigMTLS(FileName, []byte(tc.src), "strict")
		if err != nil || string(got) != tc.want {
			t.Errorf("%s: %q %v\nwant %q", name, got, err, tc.want)
		}
	}
}

func TestSetMeshMTLSShapes(t *testing.T) {
	noMode := "mtls:\n  enabledBackend: ca-1\n  backends:\n    - name: ca-1  # the CA\n      type: builtin\n"
	for name, tc := range map[string]struct{ src, mode, want string }{
		"block":              {sprintf(meshMTLS, "PERMISSIVE"), "STRICT", sprintf(meshMTLS, "STRICT")},
		"quoted":             {sprintf(meshMTLS, `"PERMISSIVE" # x`), "STRICT", sprintf(meshMTLS, `"STRICT" # x`)},
		"lower case":         {sprintf(meshMTLS, "strict"), "STRICT", sprintf(meshMTLS, "STRICT")},
		"same":               {sprintf(meshMTLS, "STRICT"), "STRICT", sprintf(meshMTLS, "STRICT")},
		"no mode, to strict": {noMode, "STRICT", noMode},
		"no mode, to permissive": {noMode, "PERMISSIVE",
			"mtls:\n  enabledBackend: ca-1\n  backends:\n    - name: ca-1  # the CA\n      mode: PERMISSIVE\n      type: builtin\n"},
		"flow backend, no mode": {"mtls: {enabledBackend: b, backends: [{name: b, type: builtin}]}\n", "PERMISSIVE",
			"mtls: {enabledBackend: b, backends: [{name: b, type: builtin, mode: PERMISSIVE}]}\n"},
		"second backend": {"mtls:\n  enabledBackend: b\n  backends:\n  - {name: a, mode: STRICT}\n  - {name: b, mode: STRICT}\n", "PERMISSIVE",
			"mtls:\n  enabledBackend: b\n  backends:\n  - {name: a, mode: STRICT}\n  - {name: b, mode: PERMISSIVE}\n"},
	} {
		got, err := SetMeshMTLS(MeshFile, []byte(tc.src), tc.mode)
		if err != nil || string(got) != tc.want {
			t.Errorf("%s: %v\n%s\nwant\n%s", name, err, got, tc.want)
		}
	}
	if _, err := SetMeshMTLS(MeshFile, []byte("type: Mesh\nname: default\n"), "STRICT"); err == nil || !strings.Contains(err.Error(), "no mTLS backend") {
		t.Errorf("a mesh without mtls: %v", err)
	}
}

func TestSetMTLSRefusals(t *testing.T) {
	if _, _, err := load(t, t.TempDir()).SetMTLS("strict"); err == nil || !strings.Contains(err.Error(), "hmsdev init") ||
		!strings.Contains(err.Error(), "no workspace") {
		t.Errorf("built-in workspace: %v", err)
	}
	if _, _, err := load(t, initDir(t)).SetMTLS("off"); err == nil || !strings.Contains(err.Error(), "strict or permissive") {
		t.Errorf("bad mode: %v", err)
	}
	dir := onDisk(t, sprintf(configMTLS, "strict"), "")
	if _, _, err := load(t, dir).SetMTLS("strict"); err == nil || !strings.Contains(err.Error(), "cannot read kuma/mesh-default.yaml") {
		t.Errorf("no mesh file: %v", err)
	}
}
