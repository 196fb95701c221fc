package stack

import (
	"context"
	"io"
	"strconv"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/client"
)

// LogOptions select a container's log lines.
type LogOptions struct {
	Follow bool
	Since  string // a duration (10m) or a timestamp, as docker logs takes it
	Tail   int    // last N lines; <0 means all
	// Timestamps prefixes each line with the engine's RFC 3339 time.
	Timestamps bool
}

// CopyLogs writes the container's stdout to out and stderr to errOut until
// the log ends (or, when following, the container stops or ctx ends).
// tty containers have one stream, which goes to out.
func CopyLogs(ctx context.Context, api client.APIClient, id string, tty bool, o LogOptions, out, errOut io.Writer) error {
	tail := "all"
	if o.Tail >= 0 {
		tail = strconv.Itoa(o.Tail)
	}
	rc, err := api.ContainerLogs(ctx, id, client.ContainerLogsOptions{
		ShowStdout: true, ShowStderr: true, Follow: o.Follow, Since: o.Since, Tail: tail, Timestamps: o.Timestamps,
	})
	if err != nil {
		return err
	}
	defer rc.Close()
	if tty {
		_, err = io.Copy(out, rc)
	} else {
		_, err = stdcopy.StdCopy(out, errOut, rc)
	}
	if ctx.Err() != nil {
		return nil // stopped by the user
	}
	return err
}

// Tail returns the last n lines a container wrote, stdout and stderr together.
func Tail(ctx context.Context, api client.APIClient, id string, n int) (string, error) {
	cfg, err := Inspect(ctx, api, id)
	if err != nil {
		return "", err
	}
	var b lockedBuffer
	err = CopyLogs(ctx, api, id, cfg.Tty, LogOptions{Tail: n}, &b, &b)
	return b.String(), err
}
