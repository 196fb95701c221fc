package kuma

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Info is what GET / answers: which control plane this is.
type Info struct {
	Hostname   string `json:"hostname"`
	Product    string `json:"product"`
	Version    string `json:"version"`
	InstanceID string `json:"instanceId"`
	ClusterID  string `json:"clusterId"`
}

// NotReadyError is returned when the control plane did not become ready
// before the deadline. Callers recognise it (errors.As) to show the
// control plane's own log beside it.
type NotReadyError struct {
	URL     string
	Waited  time.Duration
	Last    error // the last failed check
	Reached bool  // the API answered at least once
}

func (e *NotReadyError) Error() string {
	what := "did not answer"
	if e.Reached {
		what = "answered but was not ready"
	}
	return fmt.Sprintf("the Kuma control plane at %s %s within %s: %v", e.URL, what, e.Waited.Round(time.Second), e.Last)
}

func (e *NotReadyError) Unwrap() error { return e.Last }

// pollEvery is how often waits ask again.
const pollEvery = 250 * time.Millisecond

// Info asks the API which control plane it is. It fails unless the answer
// is 200 with product Kuma (another program on the port answers otherwise).
func (c *Client) Info(ctx context.Context) (Info, error) {
	var info Info
	if err := c.getJSON(ctx, "/", &info); err != nil {
		return info, err
	}
	if info.Product != "Kuma" {
		return info, fmt.Errorf("GET %s/ answered, but not as Kuma's API (product %q): is another program on that port?", c.base, info.Product)
	}
	return info, nil
}

// Ready reports whether the control plane is ready: the API answers as
// Kuma and the default mesh exists (it is created at start-up). The
// diagnostics /ready on 5680 says 200 before that, so it proves nothing.
func (c *Client) Ready(ctx context.Context) (Info, error) {
	info, err := c.Info(ctx)
	if err != nil {
		return info, err
	}
	if _, err := c.Mesh(ctx, "default"); err != nil {
		return info, fmt.Errorf("the API answers, but the default mesh is not there yet: %w", err)
	}
	return info, nil
}

// WaitReady polls Ready until it succeeds or ctx ends; then it returns a
// *NotReadyError carrying the last failure.
func (c *Client) WaitReady(ctx context.Context) (Info, error) {
	start := time.Now()
	reached := false
	for {
		info, err := c.Ready(ctx)
		if err == nil {
			return info, nil
		}
		var ae *APIError
		if info.Product != "" || errors.As(err, &ae) || errors.Is(err, ErrNotFound) {
			reached = true
		}
		select {
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.Canceled) {
				return info, ctx.Err()
			}
			if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
				err = fmt.Errorf("no answer before the deadline")
			}
			return info, &NotReadyError{URL: c.base, Waited: time.Since(start), Last: err, Reached: reached}
		case <-time.After(pollEvery):
		}
	}
}
