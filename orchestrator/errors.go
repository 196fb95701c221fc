package orchestrator

import (
	"context"
	"errors"
	"fmt"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"

	"github.com/hms-platform/hmsdev/internal/fix"
)

// dockerErr turns an engine error into what to do about it, the original
// underneath. Cancellation passes through untouched.
func dockerErr(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if _, ok := fix.As(err); ok {
		return err
	}
	switch {
	case client.IsErrConnectionFailed(err):
		return unreachable("", err)
	case cerrdefs.IsConflict(err):
		return fix.Wrap(err, what+": a conflicting object exists", "remove the conflicting container or network (docker rm -f NAME), or run `hmsdev down` first")
	case strings.Contains(err.Error(), "port is already allocated") || strings.Contains(err.Error(), "address already in use"):
		return fix.Wrap(err, what+": a published port is taken", "stop what holds the port, or change the port in hmsdev.yaml")
	case cerrdefs.IsNotFound(err):
		return fix.Wrap(err, what+": not found", "run `hmsdev up` again; it converges from what exists")
	}
	return fix.Wrap(err, what, "")
}

// ServiceFailure is a service that failed to start or get ready. It
// carries the container's last log lines, so the user sees why.
type ServiceFailure struct {
	Service   string
	Container string
	Reason    string
	Logs      []string
}

func (f *ServiceFailure) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "service %s %s", f.Service, f.Reason)
	if len(f.Logs) > 0 {
		fmt.Fprintf(&b, "\n  last %d log lines of %s:", len(f.Logs), f.Container)
		for _, l := range f.Logs {
			b.WriteString("\n  | " + l)
		}
	} else if f.Container != "" {
		fmt.Fprintf(&b, "\n  (%s wrote no logs)", f.Container)
	}
	if f.Container != "" {
		fmt.Fprintf(&b, "\n  fix: inspect it with `docker logs %s` and `docker inspect %s`; it is left as it is; run up again once fixed", f.Container, f.Container)
	}
	return b.String()
}

func isNotFound(err error) bool { return cerrdefs.IsNotFound(err) }
