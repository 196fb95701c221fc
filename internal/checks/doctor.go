package checks

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hms-platform/hmsdev/internal/fix"
	"github.com/hms-platform/hmsdev/internal/stack"
	"github.com/hms-platform/hmsdev/kuma"
)

// logLines is how much of a sidecar's log doctor reads for symptoms.
const logLines = 200

// Doctor runs the troubleshooting page's diagnoses: engine, ports, control
// plane, each sidecar (with known failures read from its log), mesh mode
// and policies. Each is OK or PROBLEM with evidence and, on PROBLEM, the fix.
func Doctor(ctx context.Context, s Stack) []Result {
	var out []Result
	add := func(r Result) { out = append(out, r) }
	var containers []stack.Container
	engine := diagnoseEngine(ctx, s, &containers)
	add(engine)
	if s.Engine != nil {
		add(diagnosePorts(ctx, s, containers))
	}
	cp := asDiagnosis(checkControlPlane(ctx, s))
	if cp.Failed() {
		cp.Evidence = append(cp.Evidence, containerStory(ctx, s, containers, "kuma-cp", 10)...)
	}
	add(cp)
	var dps map[string]kuma.Dataplane // nil: the control plane cannot say
	if s.CP != nil && !cp.Failed() {
		if list, err := s.CP.Dataplanes(ctx, s.Target.Mesh); err == nil {
			dps = map[string]kuma.Dataplane{}
			for _, dp := range list {
				dps[dp.Name] = dp
			}
		}
	}
	for _, sc := range s.Target.Sidecars {
		add(diagnoseSidecar(ctx, s, sc, dps, containers))
	}
	add(asDiagnosis(checkMTLS(ctx, s)))
	add(asDiagnosis(checkPolicies(ctx, s)))
	return out
}

// asDiagnosis turns a verify check into a doctor finding.
func asDiagnosis(r Result) Result {
	switch r.Status {
	case Pass:
		r.Status = OK
	case Fail:
		r.Status = Problem
	}
	return r
}

func diagnoseEngine(ctx context.Context, s Stack, containers *[]stack.Container) Result {
	const id, title = "engine", "Docker Engine reachable"
	if s.Engine == nil {
		what, fixText := splitFix(s.EngineErr)
		return result(id, title, false, OK, Problem, fixText, what)
	}
	cs, err := s.Engine.Containers(ctx)
	if err != nil {
		return result(id, title, false, OK, Problem, "check the engine with `docker info`", err.Error())
	}
	*containers = cs
	running := 0
	for _, c := range cs {
		if c.Running() {
			running++
		}
	}
	return result(id, title, true, OK, Problem, "",
		fmt.Sprintf("the engine answers; project %s has %d containers, %d running", s.Target.Project, len(cs), running))
}

func diagnosePorts(ctx context.Context, s Stack, containers []stack.Container) Result {
	const id, title = "ports", "published ports free or held by this project"
	if err := s.Engine.PortsFree(ctx); err != nil {
		what, _ := splitFix(err)
		lines := strings.Split(what, "\n")
		var ev []string
		for _, l := range lines[1:] { // the first line is Preflight's heading
			ev = append(ev, strings.TrimSpace(l))
		}
		if len(ev) == 0 {
			ev = lines
		}
		return result(id, title, false, OK, Problem,
			"stop what holds the port, or move hmsdev's: infra.<part>.ports (e.g. kong: {ports: {8000: 18000}}) or services.<name>.host_port in hmsdev.yaml, then `hmsdev up`", ev...)
	}
	var ev []string
	for _, p := range s.Target.Ports {
		holder := "free"
		for _, c := range containers {
			if slices.Contains(c.HostPorts, p.Host) {
				holder = "held by this project's " + c.Service
			}
		}
		ev = append(ev, fmt.Sprintf("127.0.0.1:%d (%s %d): %s", p.Host, p.Service, p.Target, holder))
	}
	return result(id, title, true, OK, Problem, "", ev...)
}

// diagnoseSidecar looks at one sidecar from every side: the control plane's
// view, its container, the control-plane address it was given and, when it
// is not online, the known failures in its log.
func diagnoseSidecar(ctx context.Context, s Stack, sc Sidecar, dps map[string]kuma.Dataplane, containers []stack.Container) Result {
	id, title := "sidecar:"+sc.Dataplane, "sidecar "+sc.Service+" registered"
	var ev []string
	online, known := false, dps != nil
	if known {
		dp, ok := dps[sc.Dataplane]
		switch {
		case !ok:
			ev = append(ev, "dataplane "+sc.Dataplane+": not registered in the control plane")
		case !dp.Online:
			ev = append(ev, "dataplane "+sc.Dataplane+": registered but offline"+since(dp.Since, "last connected"))
		default:
			online = true
			ev = append(ev, "dataplane "+sc.Dataplane+": online"+since(dp.Since, "since"))
		}
	} else {
		ev = append(ev, "the control plane cannot be asked, so the container and its log are all there is to go on")
	}
	if s.Engine == nil {
		return result(id, title, online, OK, Problem, "start the Docker Engine to look at the sidecar's container", ev...)
	}
	c, ok := stack.ByService(containers, sc.Service)
	if !ok {
		return result(id, title, false, OK, Problem, "`hmsdev up` creates it", append(ev, "no container "+sc.Service)...)
	}
	ev = append(ev, "container "+c.Name+": "+c.Status)
	var fixText string
	cfg, err := s.Engine.Inspect(ctx, c)
	if err == nil {
		if addr := cpAddressOf(cfg); addr != "" && addr != s.Target.CPAddress {
			ev = append(ev, fmt.Sprintf("it was given the control plane at %s; the control plane's dataplane server is %s", addr, s.Target.CPAddress))
			fixText = fmt.Sprintf("point %s at %s (its KUMA_CONTROL_PLANE_URL; the stack hmsdev generates does), then `hmsdev up`", sc.Service, s.Target.CPAddress)
		}
	}
	if online {
		return result(id, title, true, OK, Problem, "", ev...)
	}
	if log, err := s.Engine.Tail(ctx, c, logLines); err == nil {
		if sym, line, found := diagnose(log); found {
			ev = append(ev, "its log shows "+sym.name+": "+line)
			if fixText == "" {
				fixText = sym.fix
			}
		}
	}
	if fixText == "" {
		switch {
		case !c.Running():
			fixText = "`hmsdev up` starts it again; `hmsdev logs " + sc.Service + "` shows why it stopped"
		case !known:
			return result(id, title, false, OK, Skip, "", ev...)
		default:
			fixText = "`hmsdev logs " + sc.Service + "` shows what it is doing; `hmsdev restart " + sc.Dataplane + "` starts it afresh"
		}
	}
	return result(id, title, false, OK, Problem, fixText, ev...)
}

// cpAddressOf reads the control-plane address a kuma-dp container was given:
// --cp-address in its command, else KUMA_CONTROL_PLANE_URL.
func cpAddressOf(cfg stack.Config) string {
	args := append(append([]string{}, cfg.Entrypoint...), cfg.Cmd...)
	for i, a := range args {
		if v, ok := strings.CutPrefix(a, "--cp-address="); ok {
			return v
		}
		if a == "--cp-address" && i+1 < len(args) {
			return args[i+1]
		}
	}
	for _, e := range cfg.Env {
		if v, ok := strings.CutPrefix(e, "KUMA_CONTROL_PLANE_URL="); ok {
			return v
		}
	}
	return ""
}

// containerStory is a container's state and last log lines, as evidence.
func containerStory(ctx context.Context, s Stack, containers []stack.Container, service string, lines int) []string {
	if s.Engine == nil {
		return nil
	}
	c, ok := stack.ByService(containers, service)
	if !ok {
		return []string{"no container " + service + " (start the stack with `hmsdev up`)"}
	}
	ev := []string{"container " + c.Name + ": " + c.Status}
	if log, err := s.Engine.Tail(ctx, c, lines); err == nil && strings.TrimSpace(log) != "" {
		for _, l := range strings.Split(strings.TrimRight(log, "\n"), "\n") {
			ev = append(ev, "log: "+l)
		}
	}
	return ev
}

// splitFix separates a fix.Error's what and fix.
func splitFix(err error) (string, string) {
	if err == nil {
		return "unknown", ""
	}
	if fe, ok := fix.As(err); ok {
		what := fe.What
		if fe.Cause != nil {
			what += ": " + fe.Cause.Error()
		}
		return what, fe.Fix
	}
	return err.Error(), ""
}
