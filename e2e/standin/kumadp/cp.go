package kumadp

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/hms-platform/hmsdev/e2e/standin/kumacp"
)

// cpClient talks to the control plane's dataplane server.
type cpClient struct {
	base string
	http *http.Client // short calls
	long *http.Client // the /xds stream: no timeout
	req  kumacp.BootstrapRequest
}

// rejectedError is a 4xx from the CP: retrying will not help.
type rejectedError struct {
	status int
	msg    string
}

func (e *rejectedError) Error() string { return e.msg }

func newCPClient(c Config, dp Dataplane, raw []byte) (*cpClient, error) {
	u, err := url.Parse(c.CPAddress)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("--cp-address %q is not a URL such as https://kuma-cp:5678", c.CPAddress)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return nil, fmt.Errorf("--cp-address %q: the scheme must be https (or http)", c.CPAddress)
	}
	// Without a CA file the real kuma-dp skips verification for the
	// bootstrap call; the CP itself checks that the dialled name is in its
	// certificate (SAN mismatch -> 400).
	tlsCfg := &tls.Config{InsecureSkipVerify: true}
	if c.CACertFile != "" {
		pem, err := os.ReadFile(c.CACertFile)
		if err != nil {
			return nil, fmt.Errorf("could not read --ca-cert-file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("--ca-cert-file %s holds no PEM certificate", c.CACertFile)
		}
		tlsCfg = &tls.Config{RootCAs: pool, ServerName: u.Hostname()}
	}
	tr := &http.Transport{TLSClientConfig: tlsCfg, Proxy: nil}
	return &cpClient{
		base: strings.TrimRight(c.CPAddress, "/"),
		http: &http.Client{Transport: tr, Timeout: 10 * time.Second},
		long: &http.Client{Transport: tr},
		req:  kumacp.BootstrapRequest{Mesh: dp.Mesh, Name: dp.Name, DataplaneToken: c.Token, DataplaneResource: string(raw)},
	}, nil
}

func (c *cpClient) post(ctx context.Context, hc *http.Client, path string) (*http.Response, error) {
	body, _ := json.Marshal(c.req)
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+path, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	r.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(r)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		if resp.StatusCode/100 == 4 {
			return nil, &rejectedError{status: resp.StatusCode, msg: strings.TrimSpace(string(msg))}
		}
		return nil, fmt.Errorf("%s: %d %s", path, resp.StatusCode, strings.TrimSpace(string(msg)))
	}
	return resp, nil
}

// bootstrap asks the CP for the proxy's configuration.
func (c *cpClient) bootstrap(ctx context.Context) (kumacp.Update, error) {
	var u kumacp.Update
	resp, err := c.post(ctx, c.http, "/bootstrap")
	if err != nil {
		return u, err
	}
	defer resp.Body.Close()
	return u, json.NewDecoder(resp.Body).Decode(&u)
}

// stream holds the subscription open, calling update for each message,
// until the connection ends.
func (c *cpClient) stream(ctx context.Context, connected func(), update func(kumacp.Update)) error {
	resp, err := c.post(ctx, c.long, "/xds")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	connected()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		var u kumacp.Update
		if json.Unmarshal(sc.Bytes(), &u) == nil {
			update(u)
		}
	}
	if err := sc.Err(); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return io.EOF
}

// endpoints asks which inbounds serve service.
func (c *cpClient) endpoints(ctx context.Context, mesh, service string) ([]kumacp.Endpoint, error) {
	q := url.Values{"mesh": {mesh}, "service": {service}}
	r, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/endpoints?"+q.Encode(), nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.http.Do(r)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var eps []kumacp.Endpoint
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("endpoints of %s: %s", service, resp.Status)
	}
	return eps, json.NewDecoder(resp.Body).Decode(&eps)
}
