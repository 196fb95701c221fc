package orchestrator

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// pollEvery is how often a wait re-reads the container's state; Compose
// polls every 500 ms, health checks in a dev stack are often faster.
const pollEvery = 100 * time.Millisecond

// readiness is what a container has reached.
type readiness int

const (
	notYet readiness = iota
	isReady
	hasFailed
)

// waitFor polls container id until check says ready or failed, ctx ends,
// or timeout passes; the timeout bounds the engine calls too, so an engine
// that stops answering cannot hold up past it. On failure it returns a
// ServiceFailure with the container's last 20 log lines.
func (e *Engine) waitFor(ctx context.Context, service, id string, timeout time.Duration, what string,
	check func(c container.InspectResponse) (readiness, string)) (container.InspectResponse, error) {
	wctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	last := container.InspectResponse{ID: id}
	for {
		res, err := e.api.ContainerInspect(wctx, id, client.ContainerInspectOptions{})
		switch {
		case ctx.Err() != nil:
			return last, ctx.Err()
		case err == nil:
			last = res.Container
			switch state, reason := check(last); state {
			case isReady:
				return last, nil
			case hasFailed:
				return last, e.failure(ctx, service, last, reason)
			}
		case wctx.Err() == nil:
			return last, dockerErr(err, "cannot inspect the container of "+service)
		}
		select {
		case <-ctx.Done():
			return last, ctx.Err()
		case <-wctx.Done():
			return last, e.failure(ctx, service, last, fmt.Sprintf("did not become %s within %s%s", what, timeout, lastProbe(last)))
		case <-tick.C:
		}
	}
}

// readyCheck: healthy when the container has a health check, else running
// (or exited 0, a finished job). An exit, or "unhealthy", is a failure.
func readyCheck(c container.InspectResponse) (readiness, string) {
	st := c.State
	if st == nil {
		return notYet, ""
	}
	if st.Health != nil && st.Health.Status != container.NoHealthcheck {
		switch {
		case st.Status == container.StateExited || st.Status == container.StateDead:
			return hasFailed, fmt.Sprintf("exited with code %d before it became healthy", st.ExitCode)
		case st.Health.Status == container.Healthy:
			return isReady, ""
		case st.Health.Status == container.Unhealthy:
			return hasFailed, "is unhealthy" + lastProbe(c)
		}
		return notYet, ""
	}
	switch st.Status {
	case container.StateRunning:
		return isReady, ""
	case container.StateExited, container.StateDead:
		if st.ExitCode == 0 {
			return isReady, ""
		}
		return hasFailed, fmt.Sprintf("exited with code %d", st.ExitCode)
	}
	return notYet, ""
}

// completedCheck is service_completed_successfully: exited with code 0.
func completedCheck(c container.InspectResponse) (readiness, string) {
	st := c.State
	if st == nil || st.Status != container.StateExited && st.Status != container.StateDead {
		return notYet, ""
	}
	if st.ExitCode == 0 {
		return isReady, ""
	}
	return hasFailed, fmt.Sprintf("exited with code %d (a dependent needs it to complete successfully)", st.ExitCode)
}

func hasHealthcheck(c container.InspectResponse) bool {
	return c.State != nil && c.State.Health != nil && c.State.Health.Status != container.NoHealthcheck
}

// lastProbe quotes the last health-check output, the likeliest reason.
func lastProbe(c container.InspectResponse) string {
	if c.State == nil || c.State.Health == nil || len(c.State.Health.Log) == 0 {
		return ""
	}
	last := c.State.Health.Log[len(c.State.Health.Log)-1]
	out := strings.TrimSpace(last.Output)
	if out == "" {
		return fmt.Sprintf(" (last health check exited %d)", last.ExitCode)
	}
	return fmt.Sprintf(" (last health check exited %d: %s)", last.ExitCode, firstLine(out))
}

// failure builds the ServiceFailure for a container, with its last logs.
func (e *Engine) failure(ctx context.Context, service string, c container.InspectResponse, reason string) error {
	name := strings.TrimPrefix(c.Name, "/")
	if name == "" {
		name = shortID(c.ID) // never inspected: the engine did not answer
	}
	if ctx.Err() != nil {
		ctx = context.Background() // still fetch the logs the user needs
	}
	logs, _ := e.tail(ctx, c.ID, 20)
	return &ServiceFailure{Service: service, Container: name, Reason: reason, Logs: logs}
}

// tail returns a container's last n log lines, stdout and stderr merged.
func (e *Engine) tail(ctx context.Context, id string, n int) ([]string, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	rc, err := e.api.ContainerLogs(ctx, id, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true, Tail: fmt.Sprint(n)})
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var buf bytes.Buffer
	if _, err := stdcopy.StdCopy(&buf, &buf, rc); err != nil {
		return nil, err
	}
	var lines []string
	sc := bufio.NewScanner(&buf)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return lines, nil
}
