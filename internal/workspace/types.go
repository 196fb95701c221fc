// Package workspace is the model of an hmsdev workspace: hmsdev.yaml and the
// files beside it (kuma/, kong/). It loads and validates them; it knows
// nothing of Docker or Kuma's API.
package workspace

// FileName is the workspace file hmsdev looks for.
const FileName = "hmsdev.yaml"

// Config is hmsdev.yaml.
type Config struct {
	// Project is the compose project name; containers are labelled with it.
	Project string `yaml:"project"`
	Kuma    Kuma   `yaml:"kuma"`
	// Infra are the stack's fixed parts: kuma-cp, kuma-dp, kong, zipkin,
	// postgres, kafka. Each may override its image, command and healthcheck.
	Infra Infra `yaml:"infra"`
	// Kong holds what kong/kong.yml gets beyond the routes hmsdev derives
	// from the services.
	Kong KongConfig `yaml:"kong"`
	// Services are the platform's own services, in file order.
	Services Services `yaml:"services"`
}

// KongConfig is Kong's own section of hmsdev.yaml (infra.kong sets its
// container).
type KongConfig struct {
	// Plugins are global plugins, in kong.yml's top-level plugins:.
	Plugins []KongPlugin `yaml:"plugins"`
	// Consumers are kong.yml's consumers, as written (username or
	// custom_id, and credentials such as keyauth_credentials or
	// jwt_secrets), for the key-auth and jwt plugins.
	Consumers []map[string]any `yaml:"consumers"`
}

// KongPlugin is one plugin entity, passed to kong.yml as written: name,
// config, and any other key Kong's plugin entity has (enabled, protocols,
// consumer, tags), e.g.
//
//	{name: rate-limiting, config: {minute: 60, policy: local, limit_by: ip}}
//
// It is an alias: a named map type would make yaml decode every nested
// mapping (config) as that type too.
type KongPlugin = map[string]any

// PluginName is a plugin's name, or "" if it has none.
func PluginName(p KongPlugin) string {
	name, _ := p["name"].(string)
	return name
}

// Kuma holds the mesh settings.
type Kuma struct {
	Version string `yaml:"version"` // default 2.5.0
	// MTLS is the builtin CA backend's mode: permissive or strict.
	MTLS string `yaml:"mtls"`
	Mesh string `yaml:"mesh"` // default "default"
}

// Infra are the components hmsdev runs around the services.
type Infra struct {
	KumaCP   Component `yaml:"kuma-cp"`
	KumaDP   Component `yaml:"kuma-dp"`
	Kong     Component `yaml:"kong"`
	Zipkin   Component `yaml:"zipkin"`
	Postgres Component `yaml:"postgres"`
	Kafka    Component `yaml:"kafka"`
}

// Component is one infrastructure container's overridable settings.
type Component struct {
	Image string `yaml:"image"`
	// Command replaces the image's default command (the real images need
	// none; stand-ins and air-gapped mirrors may).
	Command []string `yaml:"command"`
	// Healthcheck replaces hmsdev's default check for this component.
	Healthcheck *Healthcheck `yaml:"healthcheck"`
	// Enabled turns postgres or kafka off; the others are always on.
	Enabled *bool `yaml:"enabled"`
	// Ports maps a container port to the 127.0.0.1 port it is published on,
	// overriding the default (the same number); 0 publishes nothing. Tests
	// and machines where a default port is taken use it.
	Ports map[int]int `yaml:"ports"`
}

// Services keeps the order of hmsdev.yaml so output and port assignment are stable.
type Services []Service

// Service is one of the platform's services.
type Service struct {
	Name  string `yaml:"-"` // the key in services:
	Image string `yaml:"image"`
	// Build is a build context directory, relative to the workspace.
	Build string `yaml:"build"`
	// Demo runs hmsdev's built-in demo service (health, header echo, calls
	// through the mesh) in place of the real one; image and build must be empty.
	Demo bool `yaml:"demo"`
	// Port the app listens on (all interfaces).
	Port int `yaml:"port"`
	// HostPort is where Port is published on 127.0.0.1 for debugging;
	// default Port, -1 publishes nothing.
	HostPort int `yaml:"host_port"`
	// Protocol is http, grpc, tcp or kafka; default http.
	Protocol string `yaml:"protocol"`
	// Calls are the services this one calls through the mesh: each becomes
	// an outbound on 127.0.0.1 and an env var HMS_<NAME>_URL.
	Calls     []string          `yaml:"calls"`
	DependsOn []string          `yaml:"depends_on"`
	Env       map[string]string `yaml:"env"`
	// Healthcheck is a compose healthcheck run inside the app's container.
	Healthcheck *Healthcheck `yaml:"healthcheck"`
	// Route is the Kong path prefix that reaches this service, if any.
	Route string `yaml:"route"`
	// RoutePlugins are Kong plugins on that route only, as in kong.plugins.
	RoutePlugins []KongPlugin `yaml:"route_plugins"`
	// Mesh puts the service in the mesh with a sidecar; default true.
	Mesh *bool `yaml:"mesh"`
	// Command replaces the image's command.
	Command []string `yaml:"command"`

	Line int `yaml:"-"` // where the service starts in hmsdev.yaml, for errors
}

// Healthcheck mirrors compose's healthcheck.
type Healthcheck struct {
	Test        []string `yaml:"test"`
	Interval    string   `yaml:"interval"`
	Timeout     string   `yaml:"timeout"`
	Retries     int      `yaml:"retries"`
	StartPeriod string   `yaml:"start_period"`
	Disable     bool     `yaml:"disable"`
}

// Meshed reports whether s runs with a sidecar.
func (s Service) Meshed() bool { return s.Mesh == nil || *s.Mesh }

// On reports whether an optional component is enabled (default on).
func (c Component) On() bool { return c.Enabled == nil || *c.Enabled }
