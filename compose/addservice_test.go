package compose

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hms-platform/hmsdev/internal/fix"
	"github.com/hms-platform/hmsdev/internal/workspace"
)

// generatedWorkspace is an initialised and generated workspace, with a
// user's comment in hmsdev.yaml that add-service must keep.
func generatedWorkspace(t *testing.T) *workspace.Workspace {
	t.Helper()
	ws := initWorkspace(t)
	cfg := strings.Replace(read(t, ws.Path("hmsdev.yaml")), "  hms-onboarding-workflow:\n", "  # my note about onboarding\n  hms-onboarding-workflow:\n", 1)
	os.WriteFile(ws.Path("hmsdev.yaml"), []byte(cfg), 0o644)
	ws, err := workspace.Load(ws.Dir)
	if err != nil {
		t.Fatal(err)
	}
	mustGenerate(t, ws, Options{})
	return ws
}

func TestAddServiceHappyPath(t *testing.T) {
	ws := generatedWorkspace(t)
	before := read(t, ws.Path("hmsdev.yaml"))
	next, _, err := AddService(ws, AddServiceOptions{
		Name: "hms-payments", Port: 8082, Route: "/api/payments",
		Calls: []string{"hms-onboarding-workflow"}, CalledBy: []string{"hms-auth-bff"},
	})
	if err != nil {
		t.Fatal(err)
	}
	after := read(t, ws.Path("hmsdev.yaml"))
	// Only additions: every original line (comments included) is still there, in order.
	want := strings.Replace(before, "calls: [hms-onboarding-workflow]", "calls: [hms-onboarding-workflow, hms-payments]", 1) +
		"  hms-payments:\n    demo: true\n    port: 8082\n    calls: [hms-onboarding-workflow]\n    route: /api/payments\n"
	if after != want {
		t.Errorf("hmsdev.yaml after add-service:\n%s\nwant:\n%s", after, want)
	}
	if next.Service("hms-payments") == nil {
		t.Error("the returned workspace lacks the new service")
	}
	dp := read(t, ws.Path(DataplaneFile("hms-payments")))
	for _, s := range []string{"address: hms-payments", "port: 18082", "servicePort: 8082", "kuma.io/service: hms-onboarding-workflow"} {
		if !strings.Contains(dp, s) {
			t.Errorf("hms-payments dataplane lacks %q:\n%s", s, dp)
		}
	}
	if caller := read(t, ws.Path(DataplaneFile("hms-auth-bff"))); !strings.Contains(caller, "port: 10003") || !strings.Contains(caller, "kuma.io/service: hms-payments") {
		t.Errorf("the caller's dataplane has no outbound to hms-payments:\n%s", caller)
	}
	if kong := read(t, ws.Path(KongFile)); !strings.Contains(kong, "/api/payments") || !strings.Contains(kong, "http://127.0.0.1:10003") {
		t.Errorf("kong.yml has no route to hms-payments:\n%s", kong)
	}
	compose := read(t, ws.ComposeFile())
	for _, s := range []string{"hms-payments-sidecar:", "network_mode: service:hms-payments-sidecar", "HMS_HMS_PAYMENTS_URL: http://127.0.0.1:10003"} {
		if !strings.Contains(compose, s) {
			t.Errorf("docker-compose.yml lacks %q", s)
		}
	}
}

func TestAddServiceWithImageAndProtocol(t *testing.T) {
	ws := generatedWorkspace(t)
	if _, _, err := AddService(ws, AddServiceOptions{Name: "ledger", Port: 9090, Image: "example/ledger:1", Protocol: "grpc"}); err != nil {
		t.Fatal(err)
	}
	if got := read(t, ws.Path("hmsdev.yaml")); !strings.HasSuffix(got, "  ledger:\n    image: example/ledger:1\n    port: 9090\n    protocol: grpc\n") {
		t.Errorf("hmsdev.yaml:\n%s", got)
	}
}

// snapshot reads every file under dir, to prove a failed command changed none.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			files[p] = string(b)
		}
		return nil
	})
	return files
}

func TestAddServiceErrorsChangeNothing(t *testing.T) {
	ok := AddServiceOptions{Name: "hms-new", Port: 8090}
	with := func(change func(*AddServiceOptions)) AddServiceOptions {
		o := ok
		change(&o)
		return o
	}
	for name, tc := range map[string]struct {
		opts AddServiceOptions
		want string
	}{
		"taken":                {with(func(o *AddServiceOptions) { o.Name = "hms-auth-bff" }), "service hms-auth-bff already exists (hmsdev.yaml:"},
		"not a DNS label":      {with(func(o *AddServiceOptions) { o.Name = "Payments_Svc" }), "not a DNS label"},
		"reserved":             {with(func(o *AddServiceOptions) { o.Name = "kuma-cp" }), "reserved"},
		"sidecar clash":        {with(func(o *AddServiceOptions) { o.Name = "hms-auth-bff-sidecar" }), "-sidecar"},
		"port out of range":    {with(func(o *AddServiceOptions) { o.Port = 70000 }), "--port 70000 is out of range"},
		"port missing":         {with(func(o *AddServiceOptions) { o.Port = 0 }), "--port 0 is out of range"},
		"sidecar port":         {with(func(o *AddServiceOptions) { o.Port = 9901 }), "--port: port 9901 is taken by Envoy's admin API"},
		"image and build":      {with(func(o *AddServiceOptions) { o.Image, o.Build = "x", "y" }), "--image and --build are both set"},
		"bad image":            {with(func(o *AddServiceOptions) { o.Image = "not an image" }), "not an image reference"},
		"missing build dir":    {with(func(o *AddServiceOptions) { o.Build = "nope" }), "--build nope: no such directory"},
		"protocol":             {with(func(o *AddServiceOptions) { o.Protocol = "ftp" }), `--protocol "ftp" is not supported`},
		"route":                {with(func(o *AddServiceOptions) { o.Route = "api/x" }), `--route "api/x" does not start with /`},
		"duplicate route":      {with(func(o *AddServiceOptions) { o.Route = "/api/auth" }), "already the route of hms-auth-bff"},
		"unknown callee":       {with(func(o *AddServiceOptions) { o.Calls = []string{"hms-nope"} }), "--calls hms-nope: there is no such service"},
		"unknown caller":       {with(func(o *AddServiceOptions) { o.CalledBy = []string{"hms-nope"} }), "--called-by hms-nope: there is no such service"},
		"calls itself":         {with(func(o *AddServiceOptions) { o.Calls = []string{"hms-new"} }), "cannot call itself"},
		"published port taken": {with(func(o *AddServiceOptions) { o.Port = 8000 }), "127.0.0.1:8000 is published by both"},
	} {
		ws := generatedWorkspace(t)
		before := snapshot(t, ws.Dir)
		_, _, err := AddService(ws, tc.opts)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error containing %q", name, err, tc.want)
		}
		if _, ok := fix.As(err); !ok {
			t.Errorf("%s: %v is not a user-facing fix.Error", name, err)
		}
		after := snapshot(t, ws.Dir)
		if len(after) != len(before) {
			t.Errorf("%s: files added or removed", name)
		}
		for p, b := range before {
			if after[p] != b {
				t.Errorf("%s: %s changed", name, p)
			}
		}
	}
}

func TestAddServiceTwiceFailsTheSecondTime(t *testing.T) {
	ws := generatedWorkspace(t)
	o := AddServiceOptions{Name: "hms-new", Port: 8090}
	if _, _, err := AddService(ws, o); err != nil {
		t.Fatal(err)
	}
	ws, _ = workspace.Load(ws.Dir)
	before := snapshot(t, ws.Dir)
	if _, _, err := AddService(ws, o); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("second add-service: %v", err)
	}
	for p, b := range snapshot(t, ws.Dir) {
		if before[p] != b {
			t.Errorf("%s changed", p)
		}
	}
}

func TestAddServiceNeedsAWorkspaceOnDisk(t *testing.T) {
	ws, err := workspace.Load(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := AddService(ws, AddServiceOptions{Name: "x", Port: 1}); err == nil || !strings.Contains(err.Error(), "hmsdev init") {
		t.Fatalf("want a pointer to hmsdev init, got %v", err)
	}
}

func TestAddServiceRefusesWhenAGeneratedFileWasEdited(t *testing.T) {
	ws := generatedWorkspace(t)
	os.WriteFile(ws.ComposeFile(), []byte(read(t, ws.ComposeFile())+"# edit\n"), 0o644)
	before := snapshot(t, ws.Dir)
	if _, _, err := AddService(ws, AddServiceOptions{Name: "x", Port: 9000}); err == nil || !strings.Contains(err.Error(), "edited by hand") {
		t.Fatalf("got %v", err)
	}
	for p, b := range snapshot(t, ws.Dir) {
		if before[p] != b {
			t.Errorf("%s changed", p)
		}
	}
}

// add-service keeps hmsdev.yaml's permissions: a private file stays private.
func TestAddServiceKeepsConfigMode(t *testing.T) {
	ws := generatedWorkspace(t)
	path := filepath.Join(ws.Dir, workspace.FileName)
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := AddService(ws, AddServiceOptions{Name: "hms-new", Port: 8090}); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("hmsdev.yaml mode after add-service: %v %v", st.Mode().Perm(), err)
	}
}
