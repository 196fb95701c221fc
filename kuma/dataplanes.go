package kuma

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"
)

// Dataplane is one dataplane and whether its sidecar is connected.
type Dataplane struct {
	Mesh     string   `json:"mesh"`
	Name     string   `json:"name"`
	Address  string   `json:"address"`
	Services []string `json:"services"` // kuma.io/service of its inbounds, or of its gateway
	Gateway  string   `json:"gateway,omitempty"`
	Online   bool     `json:"online"`
	// Since is when the current (or last) connection started.
	Since *time.Time `json:"since,omitempty"`
}

// overview is one item of dataplanes+insights.
type overview struct {
	Mesh      string `json:"mesh"`
	Name      string `json:"name"`
	Dataplane struct {
		Networking struct {
			Address string `json:"address"`
			Inbound []struct {
				Tags map[string]string `json:"tags"`
			} `json:"inbound"`
			Gateway *struct {
				Type string            `json:"type"`
				Tags map[string]string `json:"tags"`
			} `json:"gateway"`
		} `json:"networking"`
	} `json:"dataplane"`
	Insight *struct {
		Subscriptions []struct {
			ConnectTime    *time.Time `json:"connectTime"`
			DisconnectTime *time.Time `json:"disconnectTime"`
		} `json:"subscriptions"`
	} `json:"dataplaneInsight"`
}

// Dataplanes lists the mesh's dataplanes from dataplanes+insights, sorted
// by name. A dataplane is online when a subscription has connected and not
// disconnected; one created by a PUT and never connected has no insight.
func (c *Client) Dataplanes(ctx context.Context, mesh string) ([]Dataplane, error) {
	items, err := listAll[overview](ctx, c, "/meshes/"+url.PathEscape(mesh)+"/dataplanes+insights")
	if err != nil {
		return nil, err
	}
	out := make([]Dataplane, 0, len(items))
	for _, it := range items {
		dp := Dataplane{Mesh: it.Mesh, Name: it.Name, Address: it.Dataplane.Networking.Address}
		for _, in := range it.Dataplane.Networking.Inbound {
			if s := in.Tags["kuma.io/service"]; s != "" {
				dp.Services = append(dp.Services, s)
			}
		}
		if g := it.Dataplane.Networking.Gateway; g != nil {
			dp.Gateway = g.Type
			if dp.Gateway == "" {
				dp.Gateway = "DELEGATED"
			}
			if s := g.Tags["kuma.io/service"]; s != "" {
				dp.Services = append(dp.Services, s)
			}
		}
		if it.Insight != nil {
			for _, s := range it.Insight.Subscriptions {
				if s.ConnectTime == nil {
					continue
				}
				if dp.Since == nil || s.ConnectTime.After(*dp.Since) {
					dp.Since = s.ConnectTime
				}
				if s.DisconnectTime == nil {
					dp.Online = true
				}
			}
		}
		out = append(out, dp)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// OfflineError names the dataplanes that were not online by the deadline.
type OfflineError struct {
	Mesh    string
	Offline []string // registered but not connected
	Missing []string // never registered
}

func (e *OfflineError) Error() string {
	var parts []string
	if len(e.Offline) > 0 {
		parts = append(parts, "offline: "+strings.Join(e.Offline, ", "))
	}
	if len(e.Missing) > 0 {
		parts = append(parts, "never registered: "+strings.Join(e.Missing, ", "))
	}
	return fmt.Sprintf("dataplanes of mesh %s not online (%s)", e.Mesh, strings.Join(parts, "; "))
}

// WaitOnline polls until every named dataplane is online or ctx ends (then
// it returns an *OfflineError). progress, if not nil, is called with the
// names still waited for whenever that set changes.
func (c *Client) WaitOnline(ctx context.Context, mesh string, names []string, progress func(waiting []string)) error {
	var last []string
	var lastErr *OfflineError // from the last poll that answered
	first := true
	for {
		dps, err := c.Dataplanes(ctx, mesh)
		known := map[string]bool{}
		online := map[string]bool{}
		for _, dp := range dps {
			known[dp.Name] = true
			online[dp.Name] = dp.Online
		}
		var waiting []string
		oe := &OfflineError{Mesh: mesh}
		for _, n := range names {
			switch {
			case online[n]:
				continue
			case known[n]:
				oe.Offline = append(oe.Offline, n)
			default:
				oe.Missing = append(oe.Missing, n)
			}
			waiting = append(waiting, n)
		}
		if err == nil && len(waiting) == 0 {
			return nil
		}
		if err == nil {
			lastErr = oe
		}
		if progress != nil && err == nil && (first || strings.Join(waiting, ",") != strings.Join(last, ",")) {
			progress(waiting)
			first, last = false, waiting
		}
		select {
		case <-ctx.Done():
			if lastErr == nil {
				return fmt.Errorf("waiting for dataplanes of mesh %s: %w", mesh, err)
			}
			return lastErr
		case <-time.After(pollEvery):
		}
	}
}
