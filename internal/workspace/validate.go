package workspace

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/hms-platform/hmsdev/internal/fix"
)

// Infrastructure service names in the generated project. Services may not
// take them, and depends_on may name the first four.
const (
	KumaCP   = "kuma-cp"
	KumaDP   = "kuma-dp"
	Kong     = "kong"
	Zipkin   = "zipkin"
	Postgres = "postgres"
	Kafka    = "kafka"
	// SidecarSuffix names a service's kuma-dp container: NAME-sidecar.
	SidecarSuffix = "-sidecar"
)

// Protocols are the values protocol may take (Kuma's kuma.io/protocol).
var Protocols = []string{"http", "grpc", "tcp", "kafka"}

// ReservedNames are names a service may not take.
var ReservedNames = []string{KumaCP, KumaDP, Kong, Zipkin, Postgres, Kafka}

// dependableInfra are the infrastructure services depends_on may name.
var dependableInfra = []string{Postgres, Kafka, KumaCP, Zipkin}

var (
	dnsLabel    = regexp.MustCompile(`^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$`)
	projectName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)
)

// CheckName reports why name cannot be a service name, or nil. add-service
// uses it before touching any file.
func CheckName(name string) error {
	switch {
	case !dnsLabel.MatchString(name):
		return fmt.Errorf("service name %q is not a DNS label: use lowercase letters, digits and '-', start with a letter, at most 63 characters", name)
	case slices.Contains(ReservedNames, name):
		return fmt.Errorf("service name %q is reserved for hmsdev's own %s container", name, name)
	case strings.HasSuffix(name, SidecarSuffix):
		return fmt.Errorf("service name %q ends in %q, which hmsdev uses for each service's kuma-dp sidecar", name, SidecarSuffix)
	}
	return nil
}

// validator collects every problem in one pass, so a user fixes them all at once.
type validator struct {
	ws   *Workspace
	errs []error
}

func (v *validator) add(path, fixHint, format string, args ...any) {
	v.errs = append(v.errs, fix.New(v.ws.Where(path)+": "+fmt.Sprintf(format, args...), fixHint))
}

func validate(ws *Workspace) error {
	v := &validator{ws: ws}
	v.top()
	v.infra()
	names := map[string]bool{}
	routes := map[string]string{}
	for i := range ws.Config.Services {
		s := &ws.Config.Services[i]
		v.service(s, names)
		if s.Route != "" {
			if other, ok := routes[s.Route]; ok {
				v.add(key(s, "route"), "give each service its own route prefix", "service %s: route %s is already the route of %s", s.Name, s.Route, other)
			}
			routes[s.Route] = s.Name
		}
	}
	for i := range ws.Config.Services {
		v.references(&ws.Config.Services[i])
	}
	v.dependencyCycles()
	v.kong()
	return errors.Join(v.errs...)
}

func key(s *Service, field string) string { return "services." + s.Name + "." + field }

func (v *validator) top() {
	c := &v.ws.Config
	if !projectName.MatchString(c.Project) {
		v.add("project", "use lowercase letters, digits, '-' and '_', starting with a letter or digit", "project %q is not a valid compose project name", c.Project)
	}
	if c.Kuma.MTLS != "permissive" && c.Kuma.MTLS != "strict" {
		v.add("kuma.mtls", "set kuma.mtls to permissive or strict", "kuma.mtls %q is not a mode", c.Kuma.MTLS)
	}
	if !dnsLabel.MatchString(c.Kuma.Mesh) {
		v.add("kuma.mesh", "use a lowercase DNS label such as default", "kuma.mesh %q is not a valid mesh name", c.Kuma.Mesh)
	}
}

func (v *validator) infra() {
	in := &v.ws.Config.Infra
	for _, c := range []struct {
		name string
		comp *Component
	}{{KumaCP, &in.KumaCP}, {KumaDP, &in.KumaDP}, {Kong, &in.Kong}, {Zipkin, &in.Zipkin}, {Postgres, &in.Postgres}, {Kafka, &in.Kafka}} {
		path := "infra." + c.name
		if !c.comp.On() && c.name != Postgres && c.name != Kafka {
			v.add(path+".enabled", "remove enabled: false; only postgres and kafka can be turned off", "infra.%s cannot be turned off", c.name)
		}
		for cport, hport := range c.comp.Ports {
			if cport < 1 || cport > 65535 || hport < 0 || hport > 65535 {
				v.add(path+".ports", "map a container port (1-65535) to a host port (1-65535, or 0 to publish nothing)", "infra.%s.ports: %d: %d is out of range", c.name, cport, hport)
			}
		}
		v.healthcheck(path+".healthcheck", c.comp.Healthcheck)
	}
}

// service checks what a service says about itself.
func (v *validator) service(s *Service, seen map[string]bool) {
	at := "services." + s.Name
	if err := CheckName(s.Name); err != nil {
		v.add(at, "rename the service", "%v", err)
	}
	if seen[s.Name] {
		v.add(at, "remove or rename one of them", "service %s is defined twice", s.Name)
	}
	seen[s.Name] = true
	if n := sourceCount(s); n != 1 {
		v.add(at, "set exactly one of image: IMAGE, build: DIR or demo: true", "service %s has %d of image, build and demo", s.Name, n)
	}
	switch {
	case s.Port < 1 || s.Port > 65535:
		v.add(key(s, "port"), "set port to the port the app listens on (1-65535)", "service %s: port %d is out of range", s.Name, s.Port)
	case s.Meshed() && SidecarPortClash(s.Port) != "":
		v.add(key(s, "port"), "move the app to another port", "service %s: %s", s.Name, SidecarPortClash(s.Port))
	}
	if s.HostPort < -1 || s.HostPort > 65535 {
		v.add(key(s, "host_port"), "set host_port to 1-65535, or -1 to publish nothing", "service %s: host_port %d is out of range", s.Name, s.HostPort)
	}
	if !slices.Contains(Protocols, s.Protocol) {
		v.add(key(s, "protocol"), "use one of "+strings.Join(Protocols, ", "), "service %s: protocol %q is not supported", s.Name, s.Protocol)
	}
	v.route(s)
	for k := range s.Env {
		if k == "" || strings.ContainsAny(k, "= ") {
			v.add(key(s, "env"), "use NAME: value", "service %s: env name %q is not valid", s.Name, k)
		}
	}
	v.healthcheck(key(s, "healthcheck"), s.Healthcheck)
}

func sourceCount(s *Service) int {
	n := 0
	for _, set := range []bool{s.Image != "", s.Build != "", s.Demo} {
		if set {
			n++
		}
	}
	return n
}

func (v *validator) route(s *Service) {
	if s.Route == "" {
		return
	}
	switch {
	case !strings.HasPrefix(s.Route, "/"):
		v.add(key(s, "route"), fmt.Sprintf("write it as a path prefix, e.g. /%s", s.Route), "service %s: route %q does not start with /", s.Name, s.Route)
	case !s.Meshed():
		v.add(key(s, "route"), "remove mesh: false, or the route", "service %s: route %s needs the mesh (Kong reaches services through its sidecar)", s.Name, s.Route)
	case s.Protocol != "http" && s.Protocol != "grpc":
		v.add(key(s, "route"), "remove the route, or set protocol: http", "service %s: Kong routes HTTP, but the protocol is %s", s.Name, s.Protocol)
	}
}

func (v *validator) healthcheck(path string, h *Healthcheck) {
	if h == nil {
		return
	}
	if !h.Disable && len(h.Test) == 0 {
		v.add(path, `give a test, e.g. test: ["CMD", "curl", "-f", "http://127.0.0.1:8080/actuator/health"], or disable: true`, "%s: test is empty", path)
	}
	for name, d := range map[string]string{"interval": h.Interval, "timeout": h.Timeout, "start_period": h.StartPeriod} {
		if _, err := time.ParseDuration(d); d != "" && err != nil {
			v.add(path+"."+name, "use a duration such as 5s or 1m30s", "%s.%s: %q is not a duration", path, name, d)
		}
	}
	if h.Retries < 0 {
		v.add(path+".retries", "use 0 or more", "%s.retries: %d is negative", path, h.Retries)
	}
}

// references checks calls and depends_on against the other services.
func (v *validator) references(s *Service) {
	cfg := &v.ws.Config
	for _, t := range s.Calls {
		target := v.ws.Service(t)
		switch {
		case t == s.Name:
			v.add(key(s, "calls"), "remove it from calls", "service %s calls itself", s.Name)
		case target == nil:
			v.add(key(s, "calls"), "name a service defined under services:"+didYouMean(t, serviceNames(cfg)), "service %s calls %q, which is not a service", s.Name, t)
		case !s.Meshed() || !target.Meshed():
			v.add(key(s, "calls"), "remove mesh: false from both", "service %s calls %s through the mesh, but one of them has mesh: false", s.Name, t)
		}
	}
	if dup := firstDuplicate(s.Calls); dup != "" {
		v.add(key(s, "calls"), "list each service once", "service %s lists %s twice in calls", s.Name, dup)
	}
	for _, d := range s.DependsOn {
		switch {
		case d == s.Name:
			v.add(key(s, "depends_on"), "remove it from depends_on", "service %s depends on itself", s.Name)
		case d == Postgres && !cfg.Infra.Postgres.On(), d == Kafka && !cfg.Infra.Kafka.On():
			v.add(key(s, "depends_on"), fmt.Sprintf("remove %s from depends_on, or turn infra.%s back on", d, d), "service %s depends on %s, which is turned off (infra.%s.enabled: false)", s.Name, d, d)
		case v.ws.Service(d) == nil && !slices.Contains(dependableInfra, d):
			v.add(key(s, "depends_on"), "name a service, or postgres, kafka, kuma-cp or zipkin"+didYouMean(d, append(serviceNames(cfg), dependableInfra...)), "service %s depends on %q, which is not a service", s.Name, d)
		}
	}
	if dup := firstDuplicate(s.DependsOn); dup != "" {
		v.add(key(s, "depends_on"), "list each service once", "service %s lists %s twice in depends_on", s.Name, dup)
	}
}

// dependencyCycles reports each depends_on cycle once: nothing in it could
// ever start.
func (v *validator) dependencyCycles() {
	const (
		unseen = iota
		active
		done
	)
	state := map[string]int{}
	var stack []string
	var visit func(name string)
	visit = func(name string) {
		s := v.ws.Service(name)
		if s == nil || state[name] == done {
			return
		}
		if state[name] == active {
			i := slices.Index(stack, name)
			cycle := append(slices.Clone(stack[i:]), name)
			v.add(key(s, "depends_on"), "remove one of these depends_on entries", "depends_on cycle: %s", strings.Join(cycle, " -> "))
			return
		}
		state[name] = active
		stack = append(stack, name)
		for _, d := range s.DependsOn {
			visit(d)
		}
		stack = stack[:len(stack)-1]
		state[name] = done
	}
	for _, s := range v.ws.Config.Services {
		visit(s.Name)
	}
}

func serviceNames(c *Config) []string {
	names := make([]string, len(c.Services))
	for i, s := range c.Services {
		names[i] = s.Name
	}
	return names
}

// didYouMean returns ` (did you mean "X"?)` for a near miss, or "".
func didYouMean(s string, known []string) string {
	if c := closest(s, known); c != "" {
		return fmt.Sprintf(" (did you mean %q?)", c)
	}
	return ""
}

func firstDuplicate(list []string) string {
	seen := map[string]bool{}
	for _, x := range list {
		if seen[x] {
			return x
		}
		seen[x] = true
	}
	return ""
}
