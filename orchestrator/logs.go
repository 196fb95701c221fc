package orchestrator

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/client"
	"golang.org/x/sync/errgroup"

	"github.com/hms-platform/hmsdev/internal/fix"
)

// LogOptions selects which log lines Logs writes.
type LogOptions struct {
	Follow bool   // keep streaming until ctx ends
	Since  string // a timestamp or a duration like 10m
	Tail   string // lines from the end of each container's log; "" or "all" for all
}

// Logs writes the logs of the project's containers (all, or those of
// services) to w, each line prefixed with its service, like `docker
// compose logs`. Lines of different containers are interleaved whole.
func (e *Engine) Logs(ctx context.Context, project string, services []string, o LogOptions, w io.Writer) error {
	byService, err := e.projectContainers(ctx, project)
	if err != nil {
		return err
	}
	want := services
	if len(want) == 0 {
		want = slices.Sorted(maps.Keys(byService))
	}
	width := 0
	for _, s := range want {
		if _, ok := byService[s]; !ok {
			return fix.New(fmt.Sprintf("service %s has no container in project %s", s, project),
				"run `hmsdev status` to see what runs, or `hmsdev up "+s+"`")
		}
		width = max(width, len(s))
	}
	out := &lineWriter{w: w}
	g, gctx := errgroup.WithContext(ctx)
	for _, svc := range want {
		for _, c := range byService[svc] {
			prefix := fmt.Sprintf("%-*s | ", width, svc)
			g.Go(func() error { return e.containerLogs(gctx, c.ID, prefix, o, out) })
		}
	}
	return g.Wait()
}

func (e *Engine) containerLogs(ctx context.Context, id, prefix string, o LogOptions, out *lineWriter) error {
	in, err := e.api.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if err != nil {
		return dockerErr(err, "cannot inspect container "+shortID(id))
	}
	rc, err := e.api.ContainerLogs(ctx, id, client.ContainerLogsOptions{
		ShowStdout: true, ShowStderr: true, Follow: o.Follow, Since: o.Since, Tail: o.Tail,
	})
	if err != nil {
		return dockerErr(err, "cannot read the logs of "+shortID(id))
	}
	defer rc.Close()
	pr, pw := io.Pipe()
	go func() {
		var err error
		if in.Container.Config != nil && in.Container.Config.Tty {
			_, err = io.Copy(pw, rc) // a TTY's stream is not multiplexed
		} else {
			_, err = stdcopy.StdCopy(pw, pw, rc)
		}
		pw.CloseWithError(err)
	}()
	sc := bufio.NewScanner(pr)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		out.line(prefix + strings.TrimRight(sc.Text(), "\r"))
	}
	if ctx.Err() != nil {
		return nil
	}
	return sc.Err()
}

// lineWriter writes whole lines from concurrent goroutines.
type lineWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lineWriter) line(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	io.WriteString(l.w, s+"\n")
}
