// Package e2e runs hmsdev against the real Docker Engine. TestMain builds
// the hmsdev binary and the stand-in images (FROM scratch, one per part);
// the helpers below are shared by every end-to-end test.
package e2e

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/build"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/jsonstream"
	"github.com/moby/moby/client"

	"github.com/hms-platform/hmsdev/orchestrator"
)

// Stand-in parts built into images hmsdev-e2e/<part>:latest when their code
// exists; tests needing a missing one skip (requirePart).
var wantedParts = []string{"service", "kuma-cp", "kuma-dp", "kong", "zipkin", "sleep", "tcp"}

var (
	hmsdevBin  string          // the hmsdev binary under test
	engineErr  error           // why there is no engine, if there is none
	builtParts map[string]bool // parts with an image
	partsErr   = map[string]string{}
	api        client.APIClient
	repoRoot   string
)

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	wd, _ := os.Getwd()
	repoRoot = filepath.Dir(wd)
	tmp, err := os.MkdirTemp("", "hmsdev-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(tmp)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	c, err := client.New(client.FromEnv)
	if err == nil {
		pctx, pcancel := context.WithTimeout(ctx, 5*time.Second)
		_, err = c.Ping(pctx, client.PingOptions{})
		pcancel()
	}
	if err != nil {
		engineErr = fmt.Errorf("no Docker Engine (%v); start one with `dockerd &` (CI installs docker.io and starts it)", err)
		if os.Getenv("CI") != "" {
			fmt.Fprintln(os.Stderr, "e2e: FAIL:", engineErr)
			return 1
		}
		fmt.Fprintln(os.Stderr, "e2e: skipping end-to-end tests:", engineErr)
		return m.Run()
	}
	api = c

	hmsdevBin = filepath.Join(tmp, "hmsdev")
	if out, err := goBuild(hmsdevBin, "."); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: building hmsdev failed: %v\n%s\n", err, out)
		return 1
	}
	builtParts, err = buildStandinImages(ctx, tmp)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	return m.Run()
}

// goBuild builds a static binary from the repository root.
func goBuild(out, pkg string) ([]byte, error) {
	cmd := exec.Command("go", "build", "-trimpath", "-o", out, pkg)
	cmd.Dir = repoRoot
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	return cmd.CombinedOutput()
}

// buildStandinImages builds ./e2e/standin statically and, for each wanted
// part it knows, an image FROM scratch with ENTRYPOINT ["/standin", part].
func buildStandinImages(ctx context.Context, tmp string) (map[string]bool, error) {
	dir := filepath.Join(tmp, "standin-ctx")
	os.MkdirAll(dir, 0o755)
	bin := filepath.Join(dir, "standin")
	if out, err := goBuild(bin, "./e2e/standin"); err != nil {
		return nil, fmt.Errorf("building the stand-in failed (fix ./e2e/standin): %v\n%s", err, out)
	}
	usage, _ := exec.Command(bin).CombinedOutput() // "usage: ... parts: [a b c]"
	known := map[string]bool{}
	if m := regexp.MustCompile(`parts: \[([^\]]*)\]`).FindSubmatch(usage); m != nil {
		for _, p := range strings.Fields(string(m[1])) {
			known[p] = true
		}
	}
	bin0, err := os.ReadFile(bin)
	if err != nil {
		return nil, err
	}
	built := map[string]bool{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	var firstErr error
	for _, part := range wantedParts {
		if !known[part] {
			partsErr[part] = "the stand-in has no part " + part + " yet"
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			df := fmt.Sprintf("FROM scratch\nCOPY standin /standin\nENTRYPOINT [\"/standin\", %q]\n", part)
			err := buildImage(ctx, PartImage(part), map[string][]byte{"Dockerfile": []byte(df), "standin": bin0})
			mu.Lock()
			defer mu.Unlock()
			if err != nil && firstErr == nil {
				firstErr = fmt.Errorf("building image for part %s: %w", part, err)
			}
			built[part] = err == nil
		}()
	}
	wg.Wait()
	return built, firstErr
}

// PartImage is the image tag of a stand-in part.
func PartImage(part string) string { return "hmsdev-e2e/" + part + ":latest" }

// buildImage builds files (a Dockerfile and what it copies) as tag with the
// engine's classic builder; no registry is involved.
func buildImage(ctx context.Context, tag string, files map[string][]byte) error {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for name, data := range files {
		mode := int64(0o644)
		if name != "Dockerfile" {
			mode = 0o755
		}
		tw.WriteHeader(&tar.Header{Name: name, Mode: mode, Size: int64(len(data))})
		tw.Write(data)
	}
	tw.Close()
	res, err := api.ImageBuild(ctx, &buf, client.ImageBuildOptions{Tags: []string{tag}, Remove: true, ForceRemove: true, Version: build.BuilderV1})
	if err != nil {
		return err
	}
	defer res.Body.Close()
	dec := json.NewDecoder(res.Body)
	for {
		var msg jsonstream.Message
		if err := dec.Decode(&msg); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
		if msg.Error != nil {
			return msg.Error
		}
	}
}

// needEngine fails the test in CI, and skips it elsewhere, without an engine.
func needEngine(t testing.TB) {
	t.Helper()
	if engineErr == nil {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatal(engineErr)
	}
	t.Skip(engineErr)
}

// requirePart fails a test whose stand-in part did not build: every part
// exists, so a missing image is a broken harness, never a reason to skip.
func requirePart(t testing.TB, parts ...string) {
	t.Helper()
	needEngine(t)
	for _, p := range parts {
		if !builtParts[p] {
			t.Fatalf("stand-in part %s has no image: %s", p, partsErr[p])
		}
	}
}

// Result is one hmsdev run.
type Result struct {
	Stdout, Stderr string
	Code           int
	Elapsed        time.Duration
}

// Hmsdev runs the hmsdev binary in dir with args (and extra environment
// entries in env), and returns what it printed and its exit code.
func Hmsdev(t testing.TB, dir string, env []string, args ...string) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, hmsdevBin, args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "NO_COLOR=1"), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	r := Result{Stdout: out.String(), Stderr: errb.String(), Elapsed: time.Since(start)}
	if ee, ok := err.(*exec.ExitError); ok {
		r.Code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running hmsdev %v: %v", args, err)
	}
	return r
}

// MustHmsdev runs hmsdev like Hmsdev and fails the test unless it exits 0.
func MustHmsdev(t testing.TB, dir string, args ...string) Result {
	t.Helper()
	r := Hmsdev(t, dir, nil, args...)
	if r.Code != 0 {
		t.Fatalf("hmsdev %s: exit %d\n%s\n%s", strings.Join(args, " "), r.Code, r.Stdout, r.Stderr)
	}
	return r
}

// eventually retries f for up to d and reports whether it came true.
func eventually(d time.Duration, f func() bool) bool {
	for end := time.Now().Add(d); ; time.Sleep(250 * time.Millisecond) {
		if f() {
			return true
		}
		if time.Now().After(end) {
			return false
		}
	}
}

// eventuallyOK retries f until it returns "" and fails the test with f's
// last message if that has not happened within d.
func eventuallyOK(t testing.TB, d time.Duration, f func() string) {
	t.Helper()
	var msg string
	if !eventually(d, func() bool { msg = f(); return msg == "" }) {
		t.Fatal(msg)
	}
}

var projectSeq atomic.Int64

// UniqueProject returns a project name no other test (or run) uses, and
// removes whatever carries its label when the test ends.
func UniqueProject(t testing.TB, prefix string) string {
	t.Helper()
	name := fmt.Sprintf("e2e-%s-%d-%d", prefix, os.Getpid()%100000, projectSeq.Add(1))
	t.Cleanup(func() { RemoveProject(name) })
	return name
}

// RemoveProject removes a project's containers, networks and volumes.
func RemoveProject(name string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	zero := 0
	orchestrator.NewWithClient(api, nil).Down(ctx, name, orchestrator.DownOptions{Volumes: true, Timeout: &zero})
}

var (
	portMu   sync.Mutex
	portUsed = map[int]bool{}
)

// FreePort returns a TCP port in [lo, hi) that is free on 127.0.0.1 now and
// not handed out before in this run. Engineers use disjoint ranges
// (orchestrator 2xxxx, others 3xxxx/4xxxx), so concurrent stacks do not clash.
func FreePort(t testing.TB, lo, hi int) int {
	t.Helper()
	portMu.Lock()
	defer portMu.Unlock()
	start := lo + rand.IntN(hi-lo)
	for i := 0; i < hi-lo; i++ {
		p := lo + (start-lo+i)%(hi-lo)
		if portUsed[p] {
			continue
		}
		l, err := net.Listen("tcp", fmt.Sprintf("0.0.0.0:%d", p))
		if err != nil {
			continue
		}
		l.Close()
		portUsed[p] = true
		return p
	}
	t.Fatalf("no free port in [%d, %d)", lo, hi)
	return 0
}

// LoadProject loads a compose file the way hmsdev -f does.
func LoadProject(t testing.TB, file, name string) *types.Project {
	t.Helper()
	o, err := cli.NewProjectOptions([]string{file}, cli.WithOsEnv, cli.WithWorkingDirectory(filepath.Dir(file)), cli.WithName(name))
	if err != nil {
		t.Fatal(err)
	}
	p, err := o.LoadProject(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// WriteFile writes content to dir/name and returns the path.
func WriteFile(t testing.TB, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// Containers returns the project's containers by service (docker ps -a by label).
func Containers(t testing.TB, project string) map[string]container.Summary {
	t.Helper()
	res, err := api.ContainerList(context.Background(), client.ContainerListOptions{All: true,
		Filters: client.Filters{}.Add("label", orchestrator.LabelProject+"="+project)})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]container.Summary{}
	for _, c := range res.Items {
		out[c.Labels[orchestrator.LabelService]] = c
	}
	return out
}

// ContainerID returns the ID of the project's container of service, failing
// the test when there is none.
func ContainerID(t testing.TB, project, service string) string {
	t.Helper()
	c, ok := Containers(t, project)[service]
	if !ok {
		t.Fatalf("no container of %s", service)
	}
	return c.ID
}

// Inspect returns docker inspect of a container.
func Inspect(t testing.TB, id string) container.InspectResponse {
	t.Helper()
	res, err := api.ContainerInspect(context.Background(), id, client.ContainerInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return res.Container
}

// Exec runs a command in a container and returns its combined output
// (FROM-scratch images: run the stand-in itself, e.g. /standin probe URL).
func Exec(t testing.TB, containerID string, cmd ...string) (string, int) {
	t.Helper()
	ctx := context.Background()
	ex, err := api.ExecCreate(ctx, containerID, client.ExecCreateOptions{Cmd: cmd, AttachStdout: true, AttachStderr: true})
	if err != nil {
		t.Fatal(err)
	}
	att, err := api.ExecAttach(ctx, ex.ID, client.ExecAttachOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer att.Close()
	var buf bytes.Buffer
	stdcopy.StdCopy(&buf, &buf, att.Reader)
	in, err := api.ExecInspect(ctx, ex.ID, client.ExecInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return buf.String(), in.ExitCode
}
