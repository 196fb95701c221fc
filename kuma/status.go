package kuma

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Status is the mesh part of hmsdev status.
type Status struct {
	API        string      `json:"api"`
	Version    string      `json:"version"`
	Mesh       string      `json:"mesh"`
	MTLS       string      `json:"mtls"` // STRICT, PERMISSIVE or off
	Dataplanes []Dataplane `json:"dataplanes"`
	Policies   []Policy    `json:"policies"`
}

// MeshStatus reads the control plane's version, the mesh's mTLS mode, its
// dataplanes and its policies.
func MeshStatus(ctx context.Context, apiURL, mesh string) (Status, error) {
	c := New(apiURL)
	st := Status{API: c.URL(), Mesh: mesh}
	info, err := c.Info(ctx)
	if err != nil {
		return st, err
	}
	st.Version = info.Version
	m, err := c.Mesh(ctx, mesh)
	if err != nil {
		return st, err
	}
	st.MTLS = MTLSMode(m)
	if st.MTLS == "" {
		st.MTLS = "off"
	}
	if st.Dataplanes, err = c.Dataplanes(ctx, mesh); err != nil {
		return st, err
	}
	st.Policies, err = c.Policies(ctx, mesh)
	return st, err
}

// WriteText renders s for people.
func (s Status) WriteText(w io.Writer) error {
	fmt.Fprintf(w, "Kuma %s at %s, mesh %s, mTLS %s\n", s.Version, s.API, s.Mesh, s.MTLS)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "DATAPLANE\tSERVICE\tSTATE")
	for _, dp := range s.Dataplanes {
		state := "offline"
		if dp.Online {
			state = "online"
		}
		svc := strings.Join(dp.Services, ",")
		if dp.Gateway != "" {
			svc += " (gateway " + strings.ToLower(dp.Gateway) + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", dp.Name, svc, state)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	var names []string
	for _, p := range s.Policies {
		names = append(names, p.Type+"/"+p.Name)
	}
	_, err := fmt.Fprintf(w, "policies: %s\n", strings.Join(names, ", "))
	return err
}

// Offline returns the names of the dataplanes that are not online.
func (s Status) Offline() []string {
	var out []string
	for _, dp := range s.Dataplanes {
		if !dp.Online {
			out = append(out, dp.Name)
		}
	}
	return out
}
