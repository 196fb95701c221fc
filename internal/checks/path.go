package checks

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"

	"github.com/hms-platform/hmsdev/internal/demo"
)

// Headers the request check sends and expects back from the deepest service.
const (
	traceHeader  = "x-hms-trace-id"
	tenantHeader = "x-hms-tenant-id"
	verifyTenant = "hmsdev-verify"
	// verifyPath is appended to the route: the request lands on a path no
	// real endpoint has, so a real service answers it without side effects.
	verifyPath = "/hmsdev-verify"
)

// pathSeen is what the one request through Kong showed.
type pathSeen struct {
	url, traceID string
	status       int
	err          error
	body         []byte
	// echoes are the demo answers of each hop reached, in chain order;
	// calls[i] is how hop i called hop i+1.
	echoes []demo.Echo
	calls  []demo.CallResult
	broken string // why the walk along the chain stopped, if it did
	// culprit is the service whose hop failed, named in the fix; fix
	// replaces the generic one when the failure says more.
	culprit, fix string
	noEcho       bool // the first hop is not a demo service: its answer says nothing of the chain
}

// sendThroughKong sends one POST through Kong's proxy to the chain's route
// with a fresh trace id, then walks the echoed calls along the chain.
func sendThroughKong(ctx context.Context, s Stack) pathSeen {
	t := s.Target
	seen := pathSeen{traceID: "hmsdev-verify-" + s.NewID()}
	if t.KongProxy == "" || len(t.Chain.Hops) == 0 {
		return seen
	}
	seen.url = t.KongProxy + strings.TrimSuffix(t.Chain.Route, "/") + verifyPath
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, seen.url, strings.NewReader(`{"tenantName":"hmsdev verify"}`))
	if err != nil {
		seen.err = err
		return seen
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(traceHeader, seen.traceID)
	req.Header.Set(tenantHeader, verifyTenant)
	resp, err := s.HTTP.Do(req)
	if err != nil {
		seen.err = err
		return seen
	}
	defer resp.Body.Close()
	seen.status = resp.StatusCode
	seen.body, _ = io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	var e demo.Echo
	if json.Unmarshal(seen.body, &e) != nil || e.Service == "" {
		seen.noEcho = true
		return seen
	}
	seen.walk(t.Chain, e)
	return seen
}

// walk follows the chain through the nested echoes, stopping at the first
// hop that was not reached, not called or answered badly.
func (p *pathSeen) walk(c Chain, e demo.Echo) {
	p.culprit = c.Hops[0].Service
	if e.Service != c.Hops[0].Service {
		p.broken = fmt.Sprintf("Kong's route %s reached %s, not %s", c.Route, e.Service, c.Hops[0].Service)
		return
	}
	p.echoes = append(p.echoes, e)
	for i := 1; i < len(c.Hops); i++ {
		caller, next := c.Hops[i-1].Service, c.Hops[i]
		p.culprit = next.Service
		call, ok := findCall(e.Calls, next.Service)
		if !ok {
			p.broken = fmt.Sprintf("%s answered without calling %s: its HMS_CALLS does not name it", caller, next.Service)
			return
		}
		p.calls = append(p.calls, call)
		var ne demo.Echo
		if json.Unmarshal(call.Response, &ne) == nil && ne.Service != "" {
			if ne.Service != next.Service {
				p.broken = fmt.Sprintf("%s's call to %s via %s reached %s instead: the outbound port belongs to another service", caller, next.Service, call.URL, ne.Service)
				return
			}
			// Reached, whatever it answered: a failure is further down.
			e = ne
			p.echoes = append(p.echoes, e)
			continue
		}
		if call.OK() {
			p.broken = fmt.Sprintf("%s -> %s answered %d, but not as a demo service, so the rest of the chain cannot be seen", caller, next.Service, call.Status)
			return
		}
		why := call.Error
		if call.Status != 0 {
			why = fmt.Sprintf("HTTP %d %s", call.Status, snippet(call.Response))
		}
		p.broken = fmt.Sprintf("%s -> %s via %s failed: %s", caller, next.Service, call.URL, why)
		if call.Status == 0 && strings.Contains(call.Error, "connection refused") && strings.HasPrefix(call.URL, "http://127.0.0.1:") {
			// Nothing listens on the outbound port in the caller's own
			// namespace: its sidecar runs without that outbound.
			p.culprit = caller
			p.fix = fmt.Sprintf("%s's sidecar has no outbound listener for %s at %s: a sidecar reads its dataplane file (kuma/dataplanes/%s.yaml) only when it starts, so restart it (the app in its namespace restarts with it): `hmsdev restart %s-sidecar`",
				caller, next.Service, call.URL, caller, caller)
		}
		return
	}
}

func findCall(calls []demo.CallResult, service string) (demo.CallResult, bool) {
	for _, c := range calls {
		if c.Service == service {
			return c, true
		}
	}
	return demo.CallResult{}, false
}

// fixPath is the fix for a failed hop into service.
func fixPath(service string) string {
	return fmt.Sprintf("check %[1]s and its sidecar: `hmsdev status`, `hmsdev logs %[1]s %[1]s-sidecar`; `hmsdev doctor` says why a sidecar is not connected", service)
}

// pathResult is the service-to-service check.
func (p pathSeen) pathResult(t Target) Result {
	const id, title = "service-to-service", "service-to-service communication"
	switch {
	case len(t.Chain.Hops) == 0:
		return result(id, title, false, Pass, Skip, "", "no service in hmsdev.yaml has a Kong route, so no request can enter the mesh")
	case t.KongProxy == "":
		return result(id, title, false, Pass, Fail, "publish Kong's proxy: remove the 8000 override under infra.kong.ports in hmsdev.yaml", "Kong's proxy port 8000 is not published on 127.0.0.1")
	case p.err != nil:
		return result(id, title, false, Pass, Fail, "Kong does not answer: `hmsdev status` shows whether kong and kong-sidecar run, `hmsdev logs kong kong-sidecar` why not",
			p.err.Error())
	}
	sent := fmt.Sprintf("POST %s (%s: %s) -> %d", p.url, traceHeader, p.traceID, p.status)
	if p.status == http.StatusNotFound && strings.Contains(string(p.body), "no Route matched") {
		return result(id, title, false, Pass, Fail,
			fmt.Sprintf("Kong has no route for %s: check services.%s.route in hmsdev.yaml (`hmsdev up` regenerates kong/kong.yml); DB-less Kong reads kong.yml only when it starts: `hmsdev restart kong`", t.Chain.Route, t.Chain.Hops[0].Service),
			sent, "Kong: "+snippet(p.body))
	}
	if p.noEcho {
		ok := p.status >= 200 && p.status < 300
		return result(id, title, ok, Pass, Fail, fixPath(t.Chain.Hops[0].Service), sent,
			fmt.Sprintf("%s is not a demo service, so its answer does not show the calls it made: %s", t.Chain.Hops[0].Service, snippet(p.body)))
	}
	ev := []string{sent}
	ev = append(ev, p.hopLines(t.Chain)...)
	if p.broken != "" {
		fixText := p.fix
		if fixText == "" {
			fixText = fixPath(p.culprit)
		}
		return result(id, title, false, Pass, Fail, fixText, append([]string{p.broken}, ev...)...)
	}
	// Through the mesh means each service heard the request from its own
	// sidecar, i.e. from the loopback of the namespace they share.
	for i, e := range p.echoes {
		if !loopback(e.RemoteAddr) {
			return result(id, title, false, Pass, Fail,
				fmt.Sprintf("%s was reached directly, bypassing its sidecar: callers must use the outbound URL (HMS_<NAME>_URL), and Kong's upstream must be its sidecar's outbound", t.Chain.Hops[i].Service),
				append([]string{fmt.Sprintf("%s heard the request from %s, not from its sidecar on 127.0.0.1", t.Chain.Hops[i].Service, e.RemoteAddr)}, ev...)...)
		}
	}
	if p.status < 200 || p.status > 299 {
		return result(id, title, false, Pass, Fail, fixPath(t.Chain.Deepest()), ev...)
	}
	return result(id, title, true, Pass, Fail, "", ev...)
}

// hopLines describes each hop reached, for evidence.
func (p pathSeen) hopLines(c Chain) []string {
	var out []string
	for i, e := range p.echoes {
		if i == 0 {
			out = append(out, fmt.Sprintf("kong -> %s: received %s %s from %s", e.Service, e.Method, e.Path, e.RemoteAddr))
			continue
		}
		out = append(out, fmt.Sprintf("%s -> %s via %s (its sidecar's outbound) -> %d: received %s %s from %s",
			c.Hops[i-1].Service, e.Service, p.calls[i-1].URL, p.calls[i-1].Status, e.Method, e.Path, e.RemoteAddr))
	}
	return out
}

// headersResult is the context-headers check: both x-hms-* headers must
// arrive unchanged at every hop, the deepest included.
func (p pathSeen) headersResult(t Target) Result {
	const id, title = "headers", "context headers preserved (x-hms-trace-id, x-hms-tenant-id)"
	deepest := t.Chain.Deepest()
	switch {
	case len(t.Chain.Hops) == 0:
		return result(id, title, false, Pass, Skip, "", "no request could be sent (see service-to-service)")
	case p.noEcho:
		return result(id, title, false, Pass, Skip, "", t.Chain.Hops[0].Service+" is not a demo service, so what each hop received cannot be seen")
	case len(p.echoes) == 0:
		return result(id, title, false, Pass, Fail, "fix service-to-service first", "the request reached no service (see service-to-service)")
	}
	want := map[string]string{traceHeader: p.traceID, tenantHeader: verifyTenant}
	var ev []string
	for _, e := range p.echoes {
		for _, h := range []string{traceHeader, tenantHeader} {
			if got := e.Headers[h]; got != want[h] {
				return result(id, title, false, Pass, Fail,
					fmt.Sprintf("the caller of %s must copy every x-hms-* header onto its outgoing request (hms-common-lib's context propagation); Kuma's sidecars pass headers through unchanged", e.Service),
					fmt.Sprintf("%s received %s: %q, sent %q", e.Service, h, got, want[h]))
			}
		}
		ev = append(ev, fmt.Sprintf("%s received %s: %s and %s: %s", e.Service, traceHeader, want[traceHeader], tenantHeader, want[tenantHeader]))
	}
	if last := p.echoes[len(p.echoes)-1].Service; last != deepest {
		return result(id, title, false, Pass, Fail, "fix service-to-service first",
			append([]string{fmt.Sprintf("the request stopped at %s and never reached %s", last, deepest)}, ev...)...)
	}
	return result(id, title, true, Pass, Fail, "", ev...)
}

func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// snippet shortens a body for one line of evidence.
func snippet(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}
