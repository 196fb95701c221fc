// Package kuma is hmsdev's client for the Kuma 2.5 control plane's REST API
// (port 5681): readiness, applying the Mesh and policies (YAML on disk, JSON
// PUT on the wire), dataplanes and whether they are online. It speaks plain
// net/http; kumactl is not needed.
package kuma

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Client talks to one control plane's API.
type Client struct {
	base string
	http *http.Client
}

// New returns a client for the API at baseURL, e.g. http://127.0.0.1:5681.
func New(baseURL string) *Client {
	return &Client{
		base: strings.TrimRight(baseURL, "/"),
		// Each call is short; long waits are loops of calls bounded by ctx.
		http: &http.Client{Timeout: 10 * time.Second},
	}
}

// URL is the API's base URL.
func (c *Client) URL() string { return c.base }

// ErrNotFound is returned by reads of a resource that does not exist.
var ErrNotFound = errors.New("not found")

// APIError is a non-2xx answer, with Kuma's error body when it sent one:
// {"type":"/std-errors","status","title","detail","invalid_parameters":[{"field","reason"}]},
// plus the deprecated "details" (a string, the same as detail) and
// "causes" ([{"field","message"}]) that Kuma still sends beside them and
// older control planes send alone.
type APIError struct {
	Method, Path string
	Status       int
	Title        string     `json:"title"`
	Detail       string     `json:"detail"`
	Invalid      []FieldWhy `json:"invalid_parameters"`
	Causes       []cause    `json:"causes"`
	Body         string     `json:"-"`
}

// FieldWhy is one entry of invalid_parameters.
type FieldWhy struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// cause is one entry of the deprecated causes list.
type cause struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (e *APIError) Error() string {
	msg := fmt.Sprintf("%s %s: %d %s", e.Method, e.Path, e.Status, http.StatusText(e.Status))
	if e.Title != "" && e.Title != http.StatusText(e.Status) {
		msg += ": " + e.Title
	}
	if e.Detail != "" && e.Detail != e.Title {
		msg += ": " + e.Detail
	}
	for _, f := range e.Fields() {
		msg += fmt.Sprintf("; %s: %s", f.Field, f.Reason)
	}
	if e.Title == "" && e.Detail == "" && e.Body != "" {
		msg += ": " + e.Body
	}
	return msg
}

// Fields returns the invalid fields the control plane named.
func (e *APIError) Fields() []FieldWhy {
	if len(e.Invalid) > 0 {
		return e.Invalid
	}
	out := make([]FieldWhy, 0, len(e.Causes))
	for _, c := range e.Causes {
		out = append(out, FieldWhy{Field: c.Field, Reason: c.Message})
	}
	return out
}

// do sends one request and returns the body of a 2xx answer; others become
// *APIError (or ErrNotFound for a 404 on GET).
func (c *Client) do(ctx context.Context, method, path string, body []byte) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return resp.StatusCode, nil, fmt.Errorf("%s %s: read answer: %w", method, path, err)
	}
	if resp.StatusCode/100 == 2 {
		return resp.StatusCode, data, nil
	}
	if resp.StatusCode == http.StatusNotFound && method == http.MethodGet {
		return resp.StatusCode, data, fmt.Errorf("%s %s: %w", method, path, ErrNotFound)
	}
	ae := &APIError{Method: method, Path: path, Status: resp.StatusCode, Body: strings.TrimSpace(string(data))}
	_ = json.Unmarshal(data, ae) // not every error is JSON (a proxy's HTML page); Body keeps it
	return resp.StatusCode, data, ae
}

// getJSON GETs path and decodes the answer into v.
func (c *Client) getJSON(ctx context.Context, path string, v any) error {
	_, data, err := c.do(ctx, http.MethodGet, path, nil)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("GET %s: answer is not the JSON Kuma sends: %w", path, err)
	}
	return nil
}
