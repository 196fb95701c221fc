package kuma

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/hms-platform/hmsdev/internal/fix"
	"github.com/hms-platform/hmsdev/kuma/schema"
)

// Action is what applying a document did.
type Action string

const (
	Created   Action = "created"
	Updated   Action = "updated"
	Unchanged Action = "unchanged"
)

// Request is the call that applies a document: always a JSON PUT.
type Request struct {
	Method string          `json:"method"`
	Path   string          `json:"path"`
	Body   json.RawMessage `json:"body"`
}

// Result is one applied document.
type Result struct {
	File   string `json:"file"`
	Index  int    `json:"document"`
	Type   string `json:"type"`
	Mesh   string `json:"mesh,omitempty"`
	Name   string `json:"name"`
	Action Action `json:"action"`
}

// ResourcePath is the API path of a resource: /meshes/{name} for a Mesh,
// /meshes/{mesh}/{segment}/{name} for everything else.
func ResourcePath(typ, mesh, name string) (string, error) {
	t, ok := schema.Lookup(typ)
	if !ok {
		return "", fmt.Errorf("no such type %q", typ)
	}
	if t.Name == schema.MeshType {
		return "/meshes/" + url.PathEscape(name), nil
	}
	return "/meshes/" + url.PathEscape(mesh) + "/" + t.Segment + "/" + url.PathEscape(name), nil
}

// RequestFor checks d and returns the PUT that applies it.
func RequestFor(d Document) (Request, error) {
	if err := Check(d); err != nil {
		return Request{}, err
	}
	path, err := ResourcePath(d.Type, d.Mesh, d.Name)
	if err != nil {
		return Request{}, err
	}
	body, err := json.Marshal(d.Body)
	if err != nil {
		return Request{}, fix.Wrap(err, d.Where()+": cannot be turned into JSON", "")
	}
	return Request{Method: http.MethodPut, Path: path, Body: body}, nil
}

// Apply checks d, compares it with what the control plane holds and PUTs
// it only when it differs, so applying twice touches nothing.
func (c *Client) Apply(ctx context.Context, d Document) (Result, error) {
	res := Result{File: d.File, Index: d.Index, Type: d.Type, Mesh: d.Mesh, Name: d.Name}
	req, err := RequestFor(d)
	if err != nil {
		return res, err
	}
	var current map[string]any
	err = c.getJSON(ctx, req.Path, &current)
	switch {
	case err == nil && Same(d.Body, current):
		res.Action = Unchanged
		return res, nil
	case err != nil && !errors.Is(err, ErrNotFound):
		return res, c.unreachable(err, d)
	}
	status, _, err := c.do(ctx, req.Method, req.Path, req.Body)
	if err != nil {
		return res, c.rejected(err, d)
	}
	res.Action = Updated
	if status == http.StatusCreated {
		res.Action = Created
	}
	return res, nil
}

// rejected turns the control plane's refusal into an error naming the
// file, the document and each field with its reason.
func (c *Client) rejected(err error, d Document) error {
	var ae *APIError
	if !errors.As(err, &ae) {
		return c.unreachable(err, d)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s %s): the control plane rejected it (%d", d.Where(), d.Type, d.Name, ae.Status)
	if t := ae.Title; t != "" && t != http.StatusText(ae.Status) {
		b.WriteString(": " + t)
	} else {
		b.WriteString(" " + http.StatusText(ae.Status))
	}
	b.WriteString(")")
	if ae.Detail != "" && ae.Detail != ae.Title && len(ae.Fields()) == 0 {
		b.WriteString(": " + ae.Detail)
	}
	for _, f := range ae.Fields() {
		fmt.Fprintf(&b, "\n    %s: %s: %s", d.At(lineOf(d, f.Field)), f.Field, f.Reason)
	}
	fx := "correct the fields named above and apply again"
	if len(ae.Fields()) == 0 {
		fx = "correct the document; the control plane's answer is below"
	}
	return fix.Wrap(err, b.String(), fx)
}

// unreachable is the error when the control plane could not be asked, or
// answered a read with an error of its own (not a verdict on d).
func (c *Client) unreachable(err error, d Document) error {
	var ae *APIError
	if errors.As(err, &ae) {
		return fix.Wrap(err, fmt.Sprintf("%s (%s %s): the Kuma control plane at %s answered %s %s with %d %s",
			d.Where(), d.Type, d.Name, c.base, ae.Method, ae.Path, ae.Status, http.StatusText(ae.Status)),
			"hmsdev logs kuma-cp says why; check that --api (or HMSDEV_KUMA_API) points at kuma-cp's API on 5681")
	}
	return fix.Wrap(err, fmt.Sprintf("%s (%s %s): cannot reach the Kuma control plane at %s", d.Where(), d.Type, d.Name, c.base),
		"start the stack with hmsdev up (or check the API URL); hmsdev status shows whether kuma-cp runs")
}
