// Package kong is the end-to-end tests' stand-in for Kong Gateway in DB-less
// mode: it loads the same declarative kong.yml, routes by path prefix with
// strip_path, proxies to the upstream, and serves a read-only Admin API.
package kong

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"
)

// Config is the subset of Kong's declarative format the stand-in honours.
// Other keys (plugins, tags, timeouts) are accepted and ignored, since real
// Kong accepts them too; what real Kong would reject, this rejects.
type Config struct {
	FormatVersion string    `yaml:"_format_version" json:"_format_version"`
	Services      []Service `yaml:"services" json:"services"`
	// Routes at the top level name their service.
	Routes  []Route  `yaml:"routes" json:"routes"`
	Plugins []Plugin `yaml:"plugins" json:"plugins,omitempty"`
}

// Service is an upstream, given as url or as protocol/host/port/path.
type Service struct {
	Name     string   `yaml:"name" json:"name"`
	URL      string   `yaml:"url" json:"url,omitempty"`
	Protocol string   `yaml:"protocol" json:"protocol"`
	Host     string   `yaml:"host" json:"host"`
	Port     int      `yaml:"port" json:"port"`
	Path     string   `yaml:"path" json:"path,omitempty"`
	Routes   []Route  `yaml:"routes" json:"-"`
	Plugins  []Plugin `yaml:"plugins" json:"plugins,omitempty"`
}

// Route matches requests by path prefix.
type Route struct {
	Name      string   `yaml:"name" json:"name"`
	Paths     []string `yaml:"paths" json:"paths"`
	StripPath *bool    `yaml:"strip_path" json:"strip_path"`
	Methods   []string `yaml:"methods" json:"methods,omitempty"`
	// Service names the service of a top-level route: a name or {name: X}.
	ServiceRef yaml.Node `yaml:"service" json:"-"`
	Service    string    `yaml:"-" json:"service"`
}

// Plugin is carried for the Admin API only; the stand-in runs none.
type Plugin struct {
	Name   string         `yaml:"name" json:"name"`
	Config map[string]any `yaml:"config" json:"config,omitempty"`
}

// Strip reports whether the matched prefix is removed (Kong's default: true).
func (r Route) Strip() bool { return r.StripPath == nil || *r.StripPath }

// Load reads and validates the declarative file at path.
func Load(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	c, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// Parse decodes a declarative config (YAML or JSON), resolves each service's
// upstream and each top-level route's service, and validates it.
func Parse(b []byte) (*Config, error) {
	var c Config
	if err := yaml.Unmarshal(b, &c); err != nil {
		return nil, err
	}
	switch c.FormatVersion {
	case "1.1", "2.1", "3.0":
	case "":
		return nil, errors.New("_format_version: required field missing (want \"3.0\")")
	default:
		return nil, fmt.Errorf("_format_version %q: unsupported (want \"3.0\")", c.FormatVersion)
	}
	names := map[string]int{}
	for i := range c.Services {
		s := &c.Services[i]
		if s.Name == "" {
			return nil, fmt.Errorf("services[%d]: name is required", i)
		}
		if _, dup := names[s.Name]; dup {
			return nil, fmt.Errorf("services[%d]: duplicate service name %q", i, s.Name)
		}
		names[s.Name] = i
		if err := s.resolve(); err != nil {
			return nil, fmt.Errorf("services[%d] (%s): %w", i, s.Name, err)
		}
		for j := range s.Routes {
			s.Routes[j].Service = s.Name
		}
	}
	for i := range c.Routes {
		r := &c.Routes[i]
		r.Service = refName(r.ServiceRef)
		if _, ok := names[r.Service]; !ok {
			return nil, fmt.Errorf("routes[%d] (%s): service %q is not defined", i, r.Name, r.Service)
		}
	}
	routeNames := map[string]bool{}
	for _, r := range c.AllRoutes() {
		if r.Name != "" && routeNames[r.Name] {
			return nil, fmt.Errorf("route %q: duplicate route name", r.Name)
		}
		routeNames[r.Name] = true
		if len(r.Paths) == 0 {
			return nil, fmt.Errorf("route %q: needs at least one of paths, methods, hosts (the stand-in routes by paths only)", r.Name)
		}
		for _, p := range r.Paths {
			if !strings.HasPrefix(p, "/") {
				return nil, fmt.Errorf("route %q: path %q must begin with /", r.Name, p)
			}
		}
	}
	return &c, nil
}

// AllRoutes lists the routes under services, then the top-level ones.
func (c *Config) AllRoutes() []Route {
	var rs []Route
	for _, s := range c.Services {
		rs = append(rs, s.Routes...)
	}
	return append(rs, c.Routes...)
}

// Service returns the service called name.
func (c *Config) Service(name string) (Service, bool) {
	for _, s := range c.Services {
		if s.Name == name {
			return s, true
		}
	}
	return Service{}, false
}

// resolve fills protocol/host/port/path from url, or checks host is given.
func (s *Service) resolve() error {
	if s.URL != "" {
		u, err := url.Parse(s.URL)
		if err != nil || u.Host == "" {
			return fmt.Errorf("url %q: not a URL like http://host:port/path", s.URL)
		}
		s.Protocol, s.Host, s.Path = u.Scheme, u.Hostname(), u.Path
		s.Port = 0
		if p := u.Port(); p != "" {
			s.Port, _ = strconv.Atoi(p)
		}
	}
	if s.Host == "" {
		return errors.New("url or host is required")
	}
	if s.Protocol == "" {
		s.Protocol = "http"
	}
	if s.Protocol != "http" && s.Protocol != "https" {
		return fmt.Errorf("protocol %q: the stand-in proxies http and https only", s.Protocol)
	}
	if s.Port == 0 {
		s.Port = 80
		if s.Protocol == "https" {
			s.Port = 443
		}
	}
	return nil
}

// Upstream is the service's base URL.
func (s Service) Upstream() *url.URL {
	return &url.URL{Scheme: s.Protocol, Host: fmt.Sprintf("%s:%d", s.Host, s.Port), Path: s.Path}
}

func refName(n yaml.Node) string {
	if n.Kind == yaml.ScalarNode {
		return n.Value
	}
	var ref struct {
		Name string `yaml:"name"`
	}
	_ = n.Decode(&ref)
	return ref.Name
}
