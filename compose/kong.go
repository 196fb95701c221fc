package compose

import "github.com/hms-platform/hmsdev/internal/workspace"

// KongFile is Kong's declarative config in the workspace.
const KongFile = "kong/kong.yml"

// kongConfig is Kong's DB-less declarative file (format 3.0).
type kongConfig struct {
	FormatVersion string        `yaml:"_format_version"`
	Services      []kongService `yaml:"services"`
	// Plugins are hmsdev.yaml's kong.plugins: global, on every route.
	Plugins []kongPlugin `yaml:"plugins,omitempty"`
	// Consumers are hmsdev.yaml's kong.consumers, as written.
	Consumers []map[string]any `yaml:"consumers,omitempty"`
}

// kongPlugin is a plugin from hmsdev.yaml as written, its name first.
type kongPlugin struct {
	Name string         `yaml:"name"`
	Rest map[string]any `yaml:",inline"`
}

type kongService struct {
	Name   string      `yaml:"name"`
	URL    string      `yaml:"url"`
	Routes []kongRoute `yaml:"routes"`
}

type kongRoute struct {
	Name  string   `yaml:"name"`
	Paths []string `yaml:"paths"`
	// StripPath is false: HMS services serve their own prefix (/api/v1/...),
	// so they get the path the client sent.
	StripPath bool `yaml:"strip_path"`
	// Plugins are the service's route_plugins.
	Plugins []kongPlugin `yaml:"plugins,omitempty"`
}

// KongConfig routes each service's route prefix to its outbound on Kong's
// sidecar, with the plugins hmsdev.yaml gives (kong.plugins globally, a
// service's route_plugins on its route) and its kong.consumers.
func KongConfig(cfg *workspace.Config) any {
	k := kongConfig{FormatVersion: "3.0", Services: []kongService{}, Plugins: kongPlugins(cfg.Kong.Plugins), Consumers: cfg.Kong.Consumers}
	for _, s := range cfg.Services {
		if s.Route == "" {
			continue
		}
		k.Services = append(k.Services, kongService{
			Name:   s.Name,
			URL:    OutboundURL(cfg, s.Name),
			Routes: []kongRoute{{Name: s.Name, Paths: []string{s.Route}, Plugins: kongPlugins(s.RoutePlugins)}},
		})
	}
	return k
}

// kongPlugins passes plugins through as written, with name first.
func kongPlugins(list []workspace.KongPlugin) []kongPlugin {
	var out []kongPlugin
	for _, p := range list {
		rest := map[string]any{}
		for k, v := range p {
			if k != "name" {
				rest[k] = v
			}
		}
		out = append(out, kongPlugin{Name: workspace.PluginName(p), Rest: rest})
	}
	return out
}
