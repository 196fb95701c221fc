package kuma

import (
	"context"
	"net/url"
	"sort"
	"strings"

	"github.com/hms-platform/hmsdev/kuma/schema"
)

// Mesh returns the mesh called name as the API renders it.
func (c *Client) Mesh(ctx context.Context, name string) (map[string]any, error) {
	var m map[string]any
	err := c.getJSON(ctx, "/meshes/"+url.PathEscape(name), &m)
	return m, err
}

// MTLSMode returns the mode of the mesh's enabled mTLS backend: STRICT or
// PERMISSIVE, or "" when mTLS is off. Kuma leaves STRICT (the zero value of
// the enum) out of its JSON, so an enabled backend without a mode is strict.
func MTLSMode(mesh map[string]any) string {
	mtls, _ := mesh["mtls"].(map[string]any)
	enabled, _ := mtls["enabledBackend"].(string)
	if enabled == "" {
		return ""
	}
	backends, _ := mtls["backends"].([]any)
	for _, b := range backends {
		be, _ := b.(map[string]any)
		if be["name"] != enabled {
			continue
		}
		if mode, _ := be["mode"].(string); mode != "" {
			return strings.ToUpper(mode)
		}
	}
	return "STRICT"
}

// Get returns one resource, or an error wrapping ErrNotFound.
func (c *Client) Get(ctx context.Context, typ, mesh, name string) (map[string]any, error) {
	path, err := ResourcePath(typ, mesh, name)
	if err != nil {
		return nil, err
	}
	var r map[string]any
	err = c.getJSON(ctx, path, &r)
	return r, err
}

// list is the shape of every list answer.
type list[T any] struct {
	Total int     `json:"total"`
	Items []T     `json:"items"`
	Next  *string `json:"next"`
}

// listAll follows a list's next links and returns all items.
func listAll[T any](ctx context.Context, c *Client, path string) ([]T, error) {
	var all []T
	for path != "" {
		var page list[T]
		if err := c.getJSON(ctx, path, &page); err != nil {
			return nil, err
		}
		all = append(all, page.Items...)
		path = ""
		if page.Next != nil && *page.Next != "" {
			u, err := url.Parse(*page.Next)
			if err != nil {
				break
			}
			path = u.RequestURI()
		}
	}
	return all, nil
}

// Policy names one policy in a mesh.
type Policy struct {
	Type   string `json:"type"`
	Name   string `json:"name"`
	Legacy bool   `json:"legacy,omitempty"`
}

// Policies lists every policy in mesh, new-style types first, each sorted
// by name.
func (c *Client) Policies(ctx context.Context, mesh string) ([]Policy, error) {
	var out []Policy
	for _, t := range schema.Policies() {
		items, err := listAll[map[string]any](ctx, c, "/meshes/"+url.PathEscape(mesh)+"/"+t.Segment)
		if err != nil {
			return nil, err
		}
		var names []string
		for _, it := range items {
			if n, _ := it["name"].(string); n != "" {
				names = append(names, n)
			}
		}
		sort.Strings(names)
		for _, n := range names {
			out = append(out, Policy{Type: t.Name, Name: n, Legacy: t.Legacy})
		}
	}
	return out, nil
}
