package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/client"

	"github.com/hms-platform/hmsdev/orchestrator"
)

// stack is a 6-container test project with two namespace pairs, all played
// by the service stand-in: db; a-sidecar+a and b-sidecar+b (each app in its
// sidecar's namespace, calling its partner on 127.0.0.1); gw in front.
type stack struct {
	dir, file, name string
	appImage        string // a's image, rebuilt by the restart test
	portA, portB    int    // the apps' ports, published by their sidecars
	portGw          int
}

const healthcheck = `
    healthcheck:
      test: ["CMD", "/standin", "probe", "http://127.0.0.1:%d/actuator/health"]
      interval: 250ms
      timeout: 2s
      retries: 3`

func newStack(t testing.TB, prefix string) *stack {
	t.Helper()
	s := &stack{dir: t.TempDir(), name: UniqueProject(t, prefix)}
	s.portA, s.portB, s.portGw = FreePort(t, 20000, 29000), FreePort(t, 20000, 29000), FreePort(t, 20000, 29000)
	s.appImage = "hmsdev-e2e/" + s.name + "-app:latest"
	rebuildApp(t, s.appImage, "1")
	t.Cleanup(func() { api.ImageRemove(context.Background(), s.appImage, client.ImageRemoveOptions{Force: true}) })
	s.write(t, "")
	return s
}

// rebuildApp tags a new image (new ID) for the app under the same tag.
func rebuildApp(t testing.TB, tag, rev string) {
	t.Helper()
	df := fmt.Sprintf("FROM %s\nLABEL dev.hms.e2e.rev=%s\n", PartImage("service"), rev)
	if err := buildImage(context.Background(), tag, map[string][]byte{"Dockerfile": []byte(df)}); err != nil {
		t.Fatal(err)
	}
}

// write (re)writes the compose file; extraEnv goes into a-sidecar's env.
func (s *stack) write(t testing.TB, extraEnv string) {
	t.Helper()
	svc := PartImage("service")
	hc := func(port int) string { return fmt.Sprintf(healthcheck, port) }
	y := fmt.Sprintf(`name: %[1]s
services:
  db:
    image: %[2]s
    environment: {HMS_SERVICE_NAME: db}
    volumes: [data:/data]%[3]s
  a-sidecar:
    image: %[2]s
    environment: {HMS_SERVICE_NAME: a-sidecar, SERVER_PORT: "9901"%[10]s}
    ports: ["127.0.0.1:%[5]d:8080"]
    depends_on: {db: {condition: service_healthy}}%[4]s
  a:
    image: %[9]s
    network_mode: service:a-sidecar
    environment: {HMS_SERVICE_NAME: a, HMS_CALLS: "partner=http://127.0.0.1:9901/"}
    depends_on: {db: {condition: service_healthy}}%[3]s
  b-sidecar:
    image: %[2]s
    environment: {HMS_SERVICE_NAME: b-sidecar, SERVER_PORT: "9902"}
    ports: ["127.0.0.1:%[6]d:8080"]
    depends_on: {db: {condition: service_healthy}}%[8]s
  b:
    image: %[2]s
    network_mode: service:b-sidecar
    environment: {HMS_SERVICE_NAME: b, HMS_CALLS: "partner=http://127.0.0.1:9902/,a=http://a-sidecar:8080/"}
    depends_on: {a: {condition: service_healthy}}%[3]s
  gw:
    image: %[2]s
    environment: {HMS_SERVICE_NAME: gw, HMS_CALLS: "b=http://b-sidecar:8080/"}
    ports: ["127.0.0.1:%[7]d:8080"]
    depends_on: {b: {condition: service_healthy}}%[3]s
volumes:
  data: {}
`, s.name, svc, hc(8080), hc(9901), s.portA, s.portB, s.portGw, hc(9902), s.appImage, extraEnv)
	s.file = WriteFile(t, s.dir, "compose.yaml", y)
}

func (s *stack) project(t *testing.T) *types.Project { return LoadProject(t, s.file, s.name) }

// engine connects the orchestrator, logging its events to the test.
func engine(t *testing.T) *orchestrator.Engine {
	t.Helper()
	e, err := orchestrator.Connect(context.Background(), func(ev orchestrator.Event) {
		if ev.State != orchestrator.Working {
			t.Logf("%s %s %s %s %s", ev.Kind, ev.Service, ev.Action, ev.State, ev.Detail)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

func ids(cs map[string]containerInfo) map[string]string {
	out := map[string]string{}
	for k, c := range cs {
		out[k] = c.ID
	}
	return out
}

type containerInfo struct{ ID, ImageID string }

func snapshot(t *testing.T, project string) map[string]containerInfo {
	out := map[string]containerInfo{}
	for svc, c := range Containers(t, project) {
		out[svc] = containerInfo{ID: c.ID, ImageID: c.ImageID}
	}
	return out
}

// talk GETs an app through its published port: the app calls its partner
// on 127.0.0.1 (and whatever else it calls); every call must succeed.
func talk(t *testing.T, port int) {
	t.Helper()
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/", port))
	if err != nil {
		t.Fatalf("GET :%d: %v", port, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var echo struct {
		Calls []struct {
			Service string `json:"service"`
			Status  int    `json:"status"`
		} `json:"calls"`
	}
	json.Unmarshal(body, &echo)
	if resp.StatusCode != 200 || len(echo.Calls) == 0 {
		t.Fatalf("GET :%d: %d %s", port, resp.StatusCode, body)
	}
}

func TestOrchestratorStack(t *testing.T) {
	requirePart(t, "service")
	t.Parallel()
	s := newStack(t, "orch")
	e := engine(t)
	ctx := context.Background()
	since := time.Now()

	if err := e.Preflight(ctx, s.project(t)); err != nil {
		t.Fatal(err)
	}
	if err := e.Up(ctx, s.project(t), orchestrator.UpOptions{WaitTimeout: time.Minute}); err != nil {
		t.Fatal(err)
	}
	first := snapshot(t, s.name)

	t.Run("comes up in dependency order, pairs talk", func(t *testing.T) {
		if len(first) != 6 {
			t.Fatalf("want 6 containers, got %v", first)
		}
		checkOrder(t, s, since)
		talk(t, s.portA)
		talk(t, s.portB)
		talk(t, s.portGw)
		for svc, c := range Containers(t, s.name) {
			for _, l := range []string{orchestrator.LabelConfigHash, orchestrator.LabelWorkingDir, orchestrator.LabelConfigFiles, orchestrator.LabelNumber, orchestrator.LabelOneoff} {
				if c.Labels[l] == "" {
					t.Errorf("%s: label %s missing", svc, l)
				}
			}
		}
	})

	t.Run("second up recreates nothing", func(t *testing.T) {
		start := time.Now()
		if err := e.Up(ctx, s.project(t), orchestrator.UpOptions{}); err != nil {
			t.Fatal(err)
		}
		t.Logf("no-change up took %s", time.Since(start))
		if got := snapshot(t, s.name); fmt.Sprint(ids(got)) != fmt.Sprint(ids(first)) {
			t.Fatalf("IDs changed:\n%v\n%v", ids(first), ids(got))
		}
	})

	t.Run("env change recreates the service and its namespace dependents only", func(t *testing.T) {
		before := snapshot(t, s.name)
		s.write(t, `, EXTRA: "1"`)
		if err := e.Up(ctx, s.project(t), orchestrator.UpOptions{WaitTimeout: time.Minute}); err != nil {
			t.Fatal(err)
		}
		after := snapshot(t, s.name)
		var changed []string
		for svc := range before {
			if before[svc].ID != after[svc].ID {
				changed = append(changed, svc)
			}
		}
		sort.Strings(changed)
		if strings.Join(changed, ",") != "a,a-sidecar" {
			t.Fatalf("recreated %v, want [a a-sidecar]", changed)
		}
		if nm := Inspect(t, after["a"].ID).HostConfig.NetworkMode; string(nm) != "container:"+after["a-sidecar"].ID {
			t.Fatalf("a's network mode %s does not name the new a-sidecar", nm)
		}
		talk(t, s.portA)
		talk(t, s.portGw)
	})

	t.Run("restarting a namespace owner keeps its dependents' network", func(t *testing.T) {
		before := snapshot(t, s.name)
		startedB := Inspect(t, before["b"].ID).State.StartedAt
		if err := e.Restart(ctx, s.project(t), []string{"b-sidecar"}, orchestrator.UpOptions{WaitTimeout: time.Minute}); err != nil {
			t.Fatal(err)
		}
		after := snapshot(t, s.name)
		if fmt.Sprint(ids(after)) != fmt.Sprint(ids(before)) {
			t.Fatalf("restart recreated containers:\n%v\n%v", ids(before), ids(after))
		}
		if Inspect(t, after["b"].ID).State.StartedAt == startedB {
			t.Fatal("b was not restarted with its namespace owner")
		}
		talk(t, s.portB)
	})

	t.Run("hmsdev restart after an image rebuild recreates the app only", func(t *testing.T) {
		before := snapshot(t, s.name)
		rebuildApp(t, s.appImage, "2")
		MustHmsdev(t, s.dir, "restart", "a", "-f", s.file, "-p", s.name)
		after := snapshot(t, s.name)
		if after["a"].ID == before["a"].ID || after["a"].ImageID == before["a"].ImageID {
			t.Fatalf("a not recreated from the new image: %v -> %v", before["a"], after["a"])
		}
		for _, svc := range []string{"a-sidecar", "db", "b", "b-sidecar", "gw"} {
			if after[svc].ID != before[svc].ID {
				t.Errorf("%s was recreated", svc)
			}
		}
		if Inspect(t, after["a-sidecar"].ID).State.StartedAt != Inspect(t, before["a-sidecar"].ID).State.StartedAt {
			t.Error("a-sidecar (the partner) was restarted")
		}
		talk(t, s.portA)
	})

	t.Run("up removes orphans of this project only", func(t *testing.T) {
		strangers := strangers(t, s.name)
		s.unpair(t)
		r := MustHmsdev(t, s.dir, "up", "-f", s.file, "-p", s.name, "--wait-timeout", "60s")
		if !regexp.MustCompile(`(?m)^container\s+a-sidecar\s+remove\s+done.*orphan`).MatchString(r.Stdout) {
			t.Errorf("up does not say it removed the orphan a-sidecar:\n%s", r.Stdout)
		}
		cs := Containers(t, s.name)
		if _, ok := cs["a-sidecar"]; ok || cs["a"].State != "running" {
			t.Fatalf("want a running without a-sidecar: %v", cs)
		}
		// a now publishes the port its sidecar held: preflight let it through.
		if resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/actuator/health", s.portA)); err != nil || resp.StatusCode != 200 {
			t.Fatalf("a on its own port: %v %v", resp, err)
		}
		for _, id := range strangers {
			if _, err := api.ContainerInspect(ctx, id, client.ContainerInspectOptions{}); err != nil {
				t.Errorf("a container outside the project was removed: %v", err)
			}
		}
	})

	t.Run("down removes the project and nothing else", func(t *testing.T) {
		outsideC, outsideN, outsideV := outsiders(t, s.name)
		MustHmsdev(t, s.dir, "down", "-p", s.name, "-t", "1")
		if left := Containers(t, s.name); len(left) != 0 {
			t.Fatalf("containers left: %v", left)
		}
		nets, _ := api.NetworkList(ctx, client.NetworkListOptions{Filters: client.Filters{}.Add("label", orchestrator.LabelProject+"="+s.name)})
		if len(nets.Items) != 0 {
			t.Fatalf("networks left: %v", nets.Items)
		}
		vols := projectVolumes(t, s.name)
		if len(vols) != 1 {
			t.Fatalf("project volume should survive down without --volumes: %v", vols)
		}
		if _, err := api.ContainerInspect(ctx, outsideC, client.ContainerInspectOptions{}); err != nil {
			t.Errorf("outside container removed: %v", err)
		}
		if _, err := api.NetworkInspect(ctx, outsideN, client.NetworkInspectOptions{}); err != nil {
			t.Errorf("outside network removed: %v", err)
		}
		if _, err := api.VolumeInspect(ctx, outsideV, client.VolumeInspectOptions{}); err != nil {
			t.Errorf("outside volume removed: %v", err)
		}
		MustHmsdev(t, s.dir, "down", "-p", s.name, "--volumes")
		if vols := projectVolumes(t, s.name); len(vols) != 0 {
			t.Fatalf("volumes left after --volumes: %v", vols)
		}
		if _, err := api.VolumeInspect(ctx, outsideV, client.VolumeInspectOptions{}); err != nil {
			t.Errorf("outside volume removed by --volumes: %v", err)
		}
	})
}

// checkOrder reads the engine's own events since up began: every container
// started only after each dependency's start (service_started) or first
// healthy report (service_healthy).
func checkOrder(t *testing.T, s *stack, since time.Time) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res := api.Events(ctx, client.EventsListOptions{
		Since:   fmt.Sprint(since.Add(-time.Second).Unix()),
		Until:   fmt.Sprint(time.Now().Add(time.Second).Unix()),
		Filters: client.Filters{}.Add("type", "container").Add("label", orchestrator.LabelProject+"="+s.name),
	})
	started, healthy := map[string]int64{}, map[string]int64{}
	for done := false; !done; {
		select {
		case m := <-res.Messages:
			svc := m.Actor.Attributes[orchestrator.LabelService]
			first := func(set map[string]int64) {
				if _, ok := set[svc]; !ok {
					set[svc] = m.TimeNano
				}
			}
			switch {
			case m.Action == events.ActionStart:
				first(started)
			case strings.HasPrefix(string(m.Action), "health_status: healthy"):
				first(healthy)
			}
		case err := <-res.Err:
			if err != nil && err != io.EOF {
				t.Fatal(err)
			}
			done = true
		}
	}
	pl, err := orchestrator.NewPlan(s.project(t))
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, svc := range pl.Order() {
		for _, d := range pl.Dependencies(svc) {
			ready, what := started[d.Service], "start"
			if d.Condition == types.ServiceConditionHealthy {
				ready, what = healthy[d.Service], "healthy"
			}
			if ready == 0 || started[svc] == 0 {
				t.Fatalf("no events for %s (%s) or %s (start): %v %v", d.Service, what, svc, started, healthy)
			}
			if started[svc] < ready {
				t.Errorf("%s started %s before %s was %s", svc, time.Duration(ready-started[svc]), d.Service, what)
			}
			checked++
		}
	}
	if checked < 6 {
		t.Fatalf("only %d dependency edges checked", checked)
	}
}

// outsiders makes a container, network and volume without the project's
// label (but with names that look like it), which down must not touch.
func outsiders(t *testing.T, project string) (string, string, string) {
	t.Helper()
	ctx := context.Background()
	c, err := api.ContainerCreate(ctx, client.ContainerCreateOptions{Name: project + "-outside-1", Image: PartImage("service")})
	if err != nil {
		t.Fatal(err)
	}
	n, err := api.NetworkCreate(ctx, project+"_outside", client.NetworkCreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	v, err := api.VolumeCreate(ctx, client.VolumeCreateOptions{Name: project + "_outside"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		api.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true})
		api.NetworkRemove(ctx, n.ID, client.NetworkRemoveOptions{})
		api.VolumeRemove(ctx, v.Volume.Name, client.VolumeRemoveOptions{Force: true})
	})
	return c.ID, n.ID, v.Volume.Name
}

// unpair rewrites the compose file as hmsdev.yaml's mesh: false would: a's
// sidecar is gone and a publishes its port itself.
func (s *stack) unpair(t *testing.T) {
	t.Helper()
	b, err := os.ReadFile(s.file)
	if err != nil {
		t.Fatal(err)
	}
	y := string(b)
	i, j := strings.Index(y, "  a-sidecar:\n"), strings.Index(y, "  a:\n")
	y = y[:i] + y[j:]
	y = strings.Replace(y, "    network_mode: service:a-sidecar\n", fmt.Sprintf("    ports: [\"127.0.0.1:%d:8080\"]\n", s.portA), 1)
	s.file = WriteFile(t, s.dir, "compose.yaml", y)
}

// strangers makes two containers named like a-sidecar's that an orphan
// sweep must not touch: one without labels, one of a project whose name
// extends this one's.
func strangers(t *testing.T, project string) []string {
	t.Helper()
	ctx := context.Background()
	var ids []string
	for i, labels := range []map[string]string{nil, {orchestrator.LabelProject: project + "-other", orchestrator.LabelService: "a-sidecar"}} {
		c, err := api.ContainerCreate(ctx, client.ContainerCreateOptions{Name: fmt.Sprintf("%s-a-sidecar-stranger-%d", project, i), Image: PartImage("service"), Config: &container.Config{Labels: labels}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
		t.Cleanup(func() { api.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true}) })
	}
	return ids
}

func projectVolumes(t *testing.T, project string) []string {
	t.Helper()
	res, err := api.VolumeList(context.Background(), client.VolumeListOptions{Filters: client.Filters{}.Add("label", orchestrator.LabelProject+"="+project)})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, v := range res.Items {
		out = append(out, v.Name)
	}
	return out
}

// smallStack writes a two-service project: ok, and bad whose health never
// passes (HMS_DEMO_HEALTH=down), bad published on port.
func smallStack(t *testing.T, prefix string, port int, badHealth string) (dir, file, name string) {
	t.Helper()
	name = UniqueProject(t, prefix)
	dir = t.TempDir()
	y := fmt.Sprintf(`name: %s
services:
  ok:
    image: %s
  bad:
    image: %s
    environment: {HMS_DEMO_HEALTH: %s}
    ports: ["127.0.0.1:%d:8080"]
    depends_on: [ok]%s
`, name, PartImage("service"), PartImage("service"), badHealth, port, fmt.Sprintf(healthcheck, 8080))
	return dir, WriteFile(t, dir, "compose.yaml", y), name
}

func TestUpFailsOnNeverHealthyService(t *testing.T) {
	requirePart(t, "service")
	t.Parallel()
	dir, file, name := smallStack(t, "unhealthy", FreePort(t, 20000, 29000), "down")
	r := Hmsdev(t, dir, nil, "up", "-f", file, "-p", name, "--wait-timeout", "20s")
	if r.Code == 0 {
		t.Fatalf("up succeeded with a never-healthy service:\n%s", r.Stdout)
	}
	if r.Elapsed > 25*time.Second {
		t.Errorf("up took %s, beyond its 20s timeout", r.Elapsed)
	}
	if !strings.Contains(r.Stderr, "service bad") || !strings.Contains(r.Stderr, "log lines of "+name+"-bad-1") {
		t.Fatalf("error does not name the service and show its logs:\n%s", r.Stderr)
	}
	if c := Containers(t, name); c["ok"].State != "running" || c["bad"].ID == "" {
		t.Errorf("the rest should be left as it is: %v", c)
	}
}

func TestUnreachableEngine(t *testing.T) {
	needEngine(t) // the binary is built only with an engine
	t.Parallel()
	dir := t.TempDir()
	file := WriteFile(t, dir, "compose.yaml", "services:\n  x:\n    image: scratch-none\n")
	for _, args := range [][]string{{"up", "-f", file, "-p", "unreach"}, {"down", "-p", "unreach"}, {"status", "-p", "unreach"}} {
		r := Hmsdev(t, dir, []string{"DOCKER_HOST=unix:///nonexistent.sock"}, args...)
		if r.Code == 0 {
			t.Fatalf("%v succeeded without an engine", args)
		}
		if n := strings.Count(r.Stderr, "cannot reach the Docker Engine at DOCKER_HOST=unix:///nonexistent.sock"); n != 1 || !strings.Contains(r.Stderr, "start Docker") {
			t.Fatalf("%v: want one clear error naming DOCKER_HOST and how to start Docker, got:\n%s", args, r.Stderr)
		}
	}
}

func TestPreflightTakenPortCreatesNothing(t *testing.T) {
	requirePart(t, "service")
	t.Parallel()
	port := FreePort(t, 20000, 29000)
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	dir, file, name := smallStack(t, "port", port, "up")
	r := Hmsdev(t, dir, nil, "up", "-f", file, "-p", name)
	if r.Code == 0 {
		t.Fatal("up succeeded on a taken port")
	}
	want := fmt.Sprintf("port 127.0.0.1:%d, wanted by service bad, is held by process", port)
	if !strings.Contains(r.Stderr, want) || !strings.Contains(r.Stderr, fmt.Sprint("pid ", os.Getpid())) {
		t.Fatalf("want %q naming this test's pid %d, got:\n%s", want, os.Getpid(), r.Stderr)
	}
	if c := Containers(t, name); len(c) != 0 {
		t.Fatalf("preflight failed but containers exist: %v", c)
	}
	nets, _ := api.NetworkList(context.Background(), client.NetworkListOptions{Filters: client.Filters{}.Add("label", orchestrator.LabelProject+"="+name)})
	if len(nets.Items) != 0 {
		t.Fatalf("preflight failed but networks exist: %v", nets.Items)
	}
}

// TestInterruptedUpConverges kills hmsdev (SIGINT, then SIGKILL) while it
// brings a stack up: every container it made carries the project labels,
// and the next up converges.
func TestInterruptedUpConverges(t *testing.T) {
	requirePart(t, "service")
	t.Parallel()
	s := newStack(t, "intr")
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGKILL} {
		cmd := exec.Command(hmsdevBin, "up", "-f", s.file, "-p", s.name)
		cmd.Env = append(os.Environ(), "NO_COLOR=1")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		waitFor(t, 30*time.Second, func() bool { return len(Containers(t, s.name)) >= 2 })
		cmd.Process.Signal(sig)
		err := cmd.Wait()
		t.Logf("after %s: %v; %d containers", sig, err, len(Containers(t, s.name)))
		for svc, c := range Containers(t, s.name) {
			if c.Labels[orchestrator.LabelConfigHash] == "" || svc == "" {
				t.Fatalf("container %v without labels", c.Names)
			}
		}
		if r := Hmsdev(t, s.dir, nil, "up", "-f", s.file, "-p", s.name); r.Code != 0 {
			t.Fatalf("up after %s: %d\n%s\n%s", sig, r.Code, r.Stdout, r.Stderr)
		}
		if n := len(Containers(t, s.name)); n != 6 {
			t.Fatalf("after %s and up: %d containers", sig, n)
		}
		talk(t, s.portGw)
		if r := Hmsdev(t, s.dir, nil, "down", "-p", s.name, "-t", "0"); r.Code != 0 {
			t.Fatal(r.Stderr)
		}
	}
}

// waitFor polls cond (a condition on the engine's state) until it holds.
func waitFor(t *testing.T, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %s", timeout)
		}
		time.Sleep(50 * time.Millisecond) // polling interval of a condition, not a fixed wait
	}
}

// BenchmarkUpDown times cold up, no-change up and down of the 6-container
// stack with hmsdev and with Docker Compose (docker compose up -d --wait /
// down) on the same file and images. Figures, not assertions: `make bench`
// runs it once (-benchtime 1x) and prints the table; go test never runs it
// without -bench.
func BenchmarkUpDown(t *testing.B) {
	requirePart(t, "service")
	s := newStack(t, "bench")
	runs := 3
	tools := []struct {
		name            string
		up, again, down []string
		bin             string
	}{
		{"hmsdev", []string{"up", "-f", s.file, "-p", s.name}, nil, []string{"down", "-p", s.name}, hmsdevBin},
		{"docker compose", []string{"compose", "-f", s.file, "-p", s.name, "up", "-d", "--wait"}, nil,
			[]string{"compose", "-f", s.file, "-p", s.name, "down"}, "docker"},
	}
	type figures struct{ cold, again, down []time.Duration }
	results := make([]figures, len(tools))
	timed := func(bin string, args ...string) time.Duration {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "NO_COLOR=1")
		start := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s %v: %v\n%s", bin, args, err, out)
		}
		return time.Since(start)
	}
	for i := 0; i < runs; i++ {
		for ti, tool := range tools {
			results[ti].cold = append(results[ti].cold, timed(tool.bin, tool.up...))
			results[ti].again = append(results[ti].again, timed(tool.bin, tool.up...))
			results[ti].down = append(results[ti].down, timed(tool.bin, tool.down...))
		}
	}
	median := func(d []time.Duration) time.Duration {
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		return d[len(d)/2]
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n%-16s %12s %12s %8s   (median of %d, 6 containers, 2 namespace pairs)\n", "", "hmsdev", "compose", "ratio", runs)
	for _, row := range []struct {
		name string
		get  func(f figures) []time.Duration
	}{
		{"cold up", func(f figures) []time.Duration { return f.cold }},
		{"no-change up", func(f figures) []time.Duration { return f.again }},
		{"down", func(f figures) []time.Duration { return f.down }},
	} {
		h, c := median(row.get(results[0])), median(row.get(results[1]))
		fmt.Fprintf(&b, "%-16s %12s %12s %7.2fx\n", row.name, h.Round(time.Millisecond), c.Round(time.Millisecond), float64(h)/float64(c))
	}
	t.Log(b.String())
	if out := os.Getenv("HMSDEV_BENCH_OUT"); out != "" {
		os.WriteFile(out, []byte(b.String()), 0o644)
	}
}
