package stack

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// Fetch GETs url from inside target's network namespace and returns the body.
//
// The sidecars' own ports (5670 metrics, 9901 Envoy admin) are not published,
// and FROM-scratch images offer nothing to exec. So Fetch runs a short-lived
// helper container that joins target's namespace (network_mode
// container:<id>), from target's own image, which is therefore present without
// a pull, with a static Linux hmsdev binary (exe: the one the demo images are
// built from) mounted read-only as its entrypoint: `hmsdev demo-service fetch
// URL` prints the body.
// The helper carries the project's label as a one-off, so `hmsdev down`
// removes it should hmsdev die before it does.
func Fetch(ctx context.Context, api client.APIClient, target Container, project, exe, url string) ([]byte, error) {
	image := target.ImageID
	if image == "" {
		image = target.Image
	}
	created, err := api.ContainerCreate(ctx, client.ContainerCreateOptions{
		Config: &container.Config{
			Image:      image,
			Entrypoint: []string{"/hmsdev-fetch"},
			Cmd:        []string{"demo-service", "fetch", url},
			User:       "0",
			Labels: map[string]string{
				labelProject: project, labelService: "hmsdev-fetch", labelOneoff: "True",
			},
		},
		HostConfig: &container.HostConfig{
			NetworkMode: container.NetworkMode("container:" + target.ID),
			Binds:       []string{exe + ":/hmsdev-fetch:ro"},
		},
	})
	if err != nil {
		return nil, fmt.Errorf("create the helper container in %s's namespace: %w", target.Service, err)
	}
	defer func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		_, _ = api.ContainerRemove(rctx, created.ID, client.ContainerRemoveOptions{Force: true})
	}()
	wait := api.ContainerWait(ctx, created.ID, client.ContainerWaitOptions{Condition: container.WaitConditionNextExit})
	if _, err := api.ContainerStart(ctx, created.ID, client.ContainerStartOptions{}); err != nil {
		return nil, fmt.Errorf("start the helper container in %s's namespace: %w", target.Service, err)
	}
	var code int64
	select {
	case r := <-wait.Result:
		code = r.StatusCode
	case err := <-wait.Error:
		return nil, fmt.Errorf("wait for the helper container: %w", err)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	var out, errOut lockedBuffer
	if err := CopyLogs(ctx, api, created.ID, false, LogOptions{Tail: -1}, &out, &errOut); err != nil {
		return nil, fmt.Errorf("read the helper container's output: %w", err)
	}
	if code != 0 {
		msg := strings.TrimPrefix(strings.TrimSpace(errOut.String()), "Error: ")
		if msg == "" {
			msg = fmt.Sprintf("exit status %d", code)
		}
		return nil, errors.New(msg)
	}
	return []byte(out.String()), nil
}

// lockedBuffer is a strings.Builder safe for the two streams of one copy.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
