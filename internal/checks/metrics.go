package checks

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/hms-platform/hmsdev/internal/stack"
)

// metricsURL is kuma-dp's Prometheus endpoint inside the sidecar's
// namespace (the mesh's metrics backend: port 5670, path /metrics).
const metricsURL = "http://127.0.0.1:5670/metrics"

const fixMetrics = "the mesh needs a prometheus metrics backend on port 5670 (metrics.enabledBackend in kuma/mesh-default.yaml): `hmsdev apply -f kuma/mesh-default.yaml`, then the sidecars serve it within seconds"

// checkMetrics reads one sidecar's 5670 endpoint: the sidecar of the first
// service on the request chain (it has just carried traffic), else the first.
func checkMetrics(ctx context.Context, s Stack) Result {
	const id, title = "metrics", "metrics collected (a sidecar's Prometheus endpoint)"
	if s.Engine == nil {
		return result(id, title, false, Pass, Fail, "start the Docker Engine (`docker info` must answer), then run verify again",
			fmt.Sprintf("the sidecars' 5670 is read from inside their network namespace, which needs the Docker Engine: %v", s.EngineErr))
	}
	sc, ok := metricsSidecar(s.Target)
	if !ok {
		return result(id, title, false, Pass, Skip, "", "no meshed service, so no sidecar to read")
	}
	cs, err := s.Engine.Containers(ctx)
	if err != nil {
		return result(id, title, false, Pass, Fail, "check the Docker Engine answers: `docker info`", err.Error())
	}
	c, ok := stack.ByService(cs, sc.Service)
	if !ok || !c.Running() {
		state := "no container"
		if ok {
			state = c.Status
		}
		return result(id, title, false, Pass, Fail, "`hmsdev up` starts it; `hmsdev logs "+sc.Service+"` says why it stopped",
			fmt.Sprintf("%s is not running (%s)", sc.Service, state))
	}
	body, err := s.Engine.Fetch(ctx, c, metricsURL)
	if err != nil {
		fixText := fixMetrics
		if msg := err.Error(); strings.Contains(msg, "exec format error") || strings.Contains(msg, "no such file or directory") {
			// The helper runs hmsdev itself inside the sidecar's image.
			fixText = "the helper that reads 5670 runs hmsdev's own binary in a Linux container: use a static Linux build (CGO_ENABLED=0, as `make build` does)"
		}
		return result(id, title, false, Pass, Fail, fixText, fmt.Sprintf("GET %s inside %s: %v", metricsURL, sc.Service, err))
	}
	samples, names := parseMetrics(body)
	where := fmt.Sprintf("GET %s inside %s (read by a one-off helper container in its network namespace)", metricsURL, sc.Service)
	if samples == 0 {
		return result(id, title, false, Pass, Fail, fixMetrics, where, "the endpoint answered without a single sample")
	}
	envoy := 0
	for _, n := range names {
		if strings.HasPrefix(n, "envoy_") {
			envoy++
		}
	}
	return result(id, title, true, Pass, Fail, "", where,
		fmt.Sprintf("%d samples of %d metrics, %d of them Envoy's, e.g. %s", samples, len(names), envoy, examples(names, 3)))
}

func metricsSidecar(t Target) (Sidecar, bool) {
	if len(t.Chain.Hops) > 0 {
		for _, sc := range t.Sidecars {
			if sc.Dataplane == t.Chain.Hops[0].Service {
				return sc, true
			}
		}
	}
	if len(t.Sidecars) > 0 {
		return t.Sidecars[0], true
	}
	return Sidecar{}, false
}

// parseMetrics counts the samples and distinct metric names of a
// Prometheus text exposition.
func parseMetrics(b []byte) (samples int, names []string) {
	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		name := line
		if i := strings.IndexAny(line, "{ "); i > 0 {
			name = line[:i]
		}
		samples++
		if !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return samples, names
}

// examples picks up to n names, preferring request counters.
func examples(names []string, n int) string {
	var out []string
	for _, name := range names {
		if strings.Contains(name, "_rq_") && len(out) < n {
			out = append(out, name)
		}
	}
	for _, name := range names {
		if len(out) >= n {
			break
		}
		if !strings.Contains(name, "_rq_") {
			out = append(out, name)
		}
	}
	return strings.Join(out, ", ")
}
