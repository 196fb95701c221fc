package kuma

import (
	"io"
	"log"
	"net/http/httptest"
	"testing"

	"github.com/hms-platform/hmsdev/e2e/standin/kumacp"
)

// standIn runs the kuma-cp stand-in in-process: its API and, without TLS,
// its dataplane server.
func standIn(t *testing.T, opts kumacp.Options) (*Client, *kumacp.Server, *httptest.Server) {
	t.Helper()
	if opts.Log == nil {
		opts.Log = log.New(io.Discard, "", 0)
	}
	s := kumacp.New(opts)
	api := httptest.NewServer(s.API())
	dp := httptest.NewServer(s.DataplaneServer())
	t.Cleanup(api.Close)
	t.Cleanup(dp.Close)
	return New(api.URL), s, dp
}

func mustParse(t *testing.T, file, yaml string) []Document {
	t.Helper()
	docs, err := ParseDocuments(file, []byte(yaml))
	if err != nil {
		t.Fatalf("parse %s: %v", file, err)
	}
	return docs
}
