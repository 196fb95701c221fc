package checks

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/hms-platform/hmsdev/kuma"
)

const (
	fixCPDown = "start the stack with `hmsdev up`; if kuma-cp keeps exiting, `hmsdev logs kuma-cp` says why (its API port must be free on 127.0.0.1)"
	fixNoAPI  = "publish kuma-cp's API: remove the 5681 override under infra.kuma-cp.ports in hmsdev.yaml, then `hmsdev up`"
)

// noAPI is the result of a control-plane check when 5681 is unpublished.
func noAPI(id, title string) Result {
	return result(id, title, false, Pass, Fail, fixNoAPI, "kuma-cp's API port 5681 is not published on 127.0.0.1")
}

func checkControlPlane(ctx context.Context, s Stack) Result {
	const id, title = "control-plane", "Kuma control plane ready"
	if s.CP == nil {
		return noAPI(id, title)
	}
	info, err := s.CP.Ready(ctx)
	if err != nil {
		return result(id, title, false, Pass, Fail, fixCPDown, err.Error())
	}
	return result(id, title, true, Pass, Fail, "",
		fmt.Sprintf("GET %s/ answers as %s %s (hostname %s)", s.Target.KumaAPI, info.Product, info.Version, info.Hostname),
		"the default mesh exists, so start-up is over (5680's /ready says 200 before that and proves nothing)")
}

func checkGUI(ctx context.Context, s Stack) Result {
	const id, title = "gui", "Kuma GUI accessible"
	if s.Target.KumaAPI == "" {
		return noAPI(id, title)
	}
	url := s.Target.KumaAPI + "/gui/"
	status, ctype, _, err := get(ctx, s.HTTP, url)
	if err != nil {
		return result(id, title, false, Pass, Fail, fixCPDown, err.Error())
	}
	ok := status == http.StatusOK
	return result(id, title, ok, Pass, Fail, "the GUI is served by kuma-cp on 5681 (not 5683): check `hmsdev logs kuma-cp`",
		fmt.Sprintf("GET %s -> %d %s", url, status, ctype))
}

func checkDataplanes(ctx context.Context, s Stack) Result {
	const id, title = "dataplanes", "dataplanes registered and online"
	if s.CP == nil {
		return noAPI(id, title)
	}
	dps, err := s.CP.Dataplanes(ctx, s.Target.Mesh)
	if err != nil {
		return result(id, title, false, Pass, Fail, fixCPDown, err.Error())
	}
	byName := map[string]kuma.Dataplane{}
	for _, dp := range dps {
		byName[dp.Name] = dp
	}
	var ev, bad []string
	for _, sc := range s.Target.Sidecars {
		dp, ok := byName[sc.Dataplane]
		switch {
		case !ok:
			bad = append(bad, sc.Dataplane)
			ev = append(ev, fmt.Sprintf("%s: not registered (its sidecar %s never connected)", sc.Dataplane, sc.Service))
		case !dp.Online:
			bad = append(bad, sc.Dataplane)
			ev = append(ev, fmt.Sprintf("%s: registered but offline%s (sidecar %s)", sc.Dataplane, since(dp.Since, "last connected"), sc.Service))
		default:
			ev = append(ev, fmt.Sprintf("%s: online%s", sc.Dataplane, since(dp.Since, "since")))
		}
		delete(byName, sc.Dataplane)
	}
	for _, extra := range slices.Sorted(maps.Keys(byName)) {
		ev = append(ev, fmt.Sprintf("%s: registered too, not part of this workspace", extra))
	}
	if len(bad) > 0 {
		ev = append([]string{"offline or missing: " + strings.Join(bad, ", ")}, ev...)
	}
	return result(id, title, len(bad) == 0, Pass, Fail,
		"`hmsdev doctor` says why a sidecar does not connect; `hmsdev logs NAME-sidecar` shows its log; `hmsdev up` starts what is stopped", ev...)
}

func checkMTLS(ctx context.Context, s Stack) Result {
	const id, title = "mtls", "mTLS enabled"
	if s.CP == nil {
		return noAPI(id, title)
	}
	mesh, err := s.CP.Mesh(ctx, s.Target.Mesh)
	if err != nil {
		return result(id, title, false, Pass, Fail, fixCPDown, err.Error())
	}
	mode := kuma.MTLSMode(mesh)
	mtls, _ := mesh["mtls"].(map[string]any)
	backend, _ := mtls["enabledBackend"].(string)
	want := strings.ToUpper(s.Target.MTLS)
	if mode == "" {
		return result(id, title, false, Pass, Fail, "apply the mesh with mTLS: `hmsdev up` (or `hmsdev apply -f kuma/mesh-default.yaml`)",
			fmt.Sprintf("mesh %s has no mtls.enabledBackend: traffic between sidecars is plaintext", s.Target.Mesh))
	}
	ev := fmt.Sprintf("mesh %s: mtls.enabledBackend %s, mode %s", s.Target.Mesh, backend, mode)
	if want != "" && mode != want {
		return result(id, title, false, Pass, Fail, fmt.Sprintf("`hmsdev mesh mtls %s` (or `hmsdev up`) applies the mode hmsdev.yaml asks for", strings.ToLower(want)),
			ev, fmt.Sprintf("hmsdev.yaml asks for kuma.mtls: %s", strings.ToLower(want)))
	}
	return result(id, title, true, Pass, Fail, "", ev)
}

func checkPolicies(ctx context.Context, s Stack) Result {
	const id, title = "policies", "policies applied"
	if s.CP == nil {
		return noAPI(id, title)
	}
	if len(s.Target.Policies) == 0 {
		return result(id, title, false, Pass, Skip, "", "kuma/policies holds no policies, so there is nothing to find in the control plane")
	}
	have, err := s.CP.Policies(ctx, s.Target.Mesh)
	if err != nil {
		return result(id, title, false, Pass, Fail, fixCPDown, fmt.Sprintf("listing the policies of mesh %s: %v", s.Target.Mesh, err))
	}
	present := map[kuma.Policy]bool{}
	for _, p := range have {
		present[kuma.Policy{Type: p.Type, Name: p.Name}] = true
	}
	var ev, missing []string
	for _, p := range s.Target.Policies {
		if present[p] {
			ev = append(ev, fmt.Sprintf("%s %s: present", p.Type, p.Name))
		} else {
			missing = append(missing, p.Type+" "+p.Name)
			ev = append(ev, fmt.Sprintf("%s %s: missing", p.Type, p.Name))
		}
	}
	if len(missing) > 0 {
		ev = append([]string{"missing from mesh " + s.Target.Mesh + ": " + strings.Join(missing, ", ")}, ev...)
	}
	return result(id, title, len(missing) == 0, Pass, Fail,
		"`hmsdev apply -f kuma/policies` applies them (`hmsdev up` does too); a control plane with the memory store forgets them when it restarts", ev...)
}

// get GETs url and returns status, content type and up to 64 KiB of body.
func get(ctx context.Context, c HTTP, url string) (int, string, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, "", nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, "", nil, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, resp.Header.Get("Content-Type"), body, nil
}

func since(t *time.Time, word string) string {
	if t == nil {
		return ""
	}
	return fmt.Sprintf(" (%s %s)", word, t.Local().Format("15:04:05"))
}
