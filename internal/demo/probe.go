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

// Probe GETs url and succeeds on a 2xx answer within ProbeTimeout. It is the
// healthcheck of FROM-scratch images, which have no curl or wget:
// ["CMD","/hmsdev","demo-service","probe","http://127.0.0.1:8080/actuator/health"].
func Probe(ctx context.Context, url string) error {
	ctx, cancel := context.WithTimeout(ctx, ProbeTimeout)
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
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxBody))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("GET %s: HTTP %d", url, resp.StatusCode)
	}
	return nil
}
