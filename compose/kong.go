package compose

import "github.com/hms-platform/hmsdev/internal/workspace"

// KongFile is Kong's declarative config in the workspace.
const KongFile = "kong/kong.yml"

// kongConfig is Kong's DB-less declarative file (format 3.0).
type kongConfig struct {
	FormatVersion string        `yaml:"_format_version"`
	Services      []kongService `yaml:"services"`
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
}

// KongConfig routes each service's route prefix to its outbound on Kong's
// sidecar.
func KongConfig(cfg *workspace.Config) any {
	k := kongConfig{FormatVersion: "3.0", Services: []kongService{}}
	for _, s := range cfg.Services {
		if s.Route == "" {
			continue
		}
		k.Services = append(k.Services, kongService{
			Name:   s.Name,
			URL:    OutboundURL(cfg, s.Name),
			Routes: []kongRoute{{Name: s.Name, Paths: []string{s.Route}}},
		})
	}
	return k
}
