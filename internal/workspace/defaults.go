package workspace

// Defaults for what hmsdev.yaml leaves out.
const (
	DefaultProject      = "hms"
	DefaultKumaVersion  = "2.5.0"
	DefaultMesh         = "default"
	DefaultMTLS         = "permissive"
	DefaultProtocol     = "http"
	defaultKongImage    = "kong:3.6"
	defaultZipkinImage  = "openzipkin/zipkin:3"
	defaultPostgreImage = "postgres:16"
	defaultKafkaImage   = "apache/kafka:3.7.0"
)

// applyDefaults fills in what the file leaves out, so every later stage
// reads one complete Config.
func applyDefaults(c *Config) {
	setDefault(&c.Project, DefaultProject)
	setDefault(&c.Kuma.Version, DefaultKumaVersion)
	setDefault(&c.Kuma.MTLS, DefaultMTLS)
	setDefault(&c.Kuma.Mesh, DefaultMesh)
	setDefault(&c.Infra.KumaCP.Image, "kong/kuma-cp:"+c.Kuma.Version)
	setDefault(&c.Infra.KumaDP.Image, "kong/kuma-dp:"+c.Kuma.Version)
	setDefault(&c.Infra.Kong.Image, defaultKongImage)
	setDefault(&c.Infra.Zipkin.Image, defaultZipkinImage)
	setDefault(&c.Infra.Postgres.Image, defaultPostgreImage)
	setDefault(&c.Infra.Kafka.Image, defaultKafkaImage)
	for i := range c.Services {
		s := &c.Services[i]
		setDefault(&s.Protocol, DefaultProtocol)
		if s.HostPort == 0 {
			s.HostPort = s.Port
		}
	}
}

func setDefault(s *string, v string) {
	if *s == "" {
		*s = v
	}
}
