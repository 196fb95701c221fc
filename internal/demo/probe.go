package demo

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// ProbeTimeout bounds a probe: a healthcheck that hangs is a failed one.
const ProbeTimeout = 2 * time.Second

// FetchTimeout bounds Fetch; a metrics page can take a moment to render.
const FetchTimeout = 5 * time.Second

// Probe GETs url and succeeds on a 2xx answer within ProbeTimeout. It is the
// healthcheck of FROM-scratch images, which have no curl or wget:
// ["CMD","/hmsdev","demo-service","probe","http://127.0.0.1:8080/actuator/health"].
func Probe(ctx context.Context, url string) error {
	return get(ctx, url, ProbeTimeout, io.Discard)
}

// Fetch GETs url and copies a 2xx body to w. hmsdev runs it in a helper
// container inside a sidecar's network namespace to read ports the sidecar
// does not publish (its metrics on 5670).
func Fetch(ctx context.Context, url string, w io.Writer) error {
	return get(ctx, url, FetchTimeout, w)
}

func get(ctx context.Context, url string, timeout time.Duration, w io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("GET %s: HTTP %d", url, resp.StatusCode)
	}
	_, err = io.Copy(w, io.LimitReader(resp.Body, 64<<20))
	return err
}
