package compose

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/hms-platform/hmsdev/internal/fix"
	"github.com/hms-platform/hmsdev/internal/workspace"
)

// Container paths the generated stack mounts its files at.
const (
	dataplaneMount = "/kuma/dataplane.yaml"
	kongMount      = "/kong/kong.yml"
	kumaCPURL      = "https://" + workspace.KumaCP + ":5678"
	network        = "default"
)

// kafkaClusterID is the KRaft cluster id the kafka image formats its log
// directory with: a Kafka Uuid, i.e. 16 bytes in URL-safe base64 without
// padding (22 characters, as `kafka-storage.sh random-uuid` prints). Kafka
// 3.3-3.6 refuse anything else at format time (docs/real-images.md). Fixed,
// so a kept volume always matches; derived from sha256("hmsdev-kraft-cluster-01").
const kafkaClusterID = "D33WRfzo1-7kDDZOhP0ahw"

// Ports of the infrastructure, inside their containers (and, unless
// overridden, on 127.0.0.1).
const (
	portKumaAPI   = 5681
	portKumaDiag  = 5680
	portZipkin    = 9411
	portPostgres  = 5432
	portKafka     = 9092
	portKafkaHost = 29092 // Kafka's listener for clients on the host
	portKongProxy = 8000
	portKongAdmin = 8001
)

// Build returns the compose project that runs ws. Paths in it (bind-mount
// sources, build contexts) are absolute, as the Docker Engine needs them;
// the file generate writes carries them relative to ws.Root().
func Build(ws *workspace.Workspace) (*types.Project, error) {
	demoImage := ""
	if hasDemo(&ws.Config) {
		tag, err := DemoImage()
		if err != nil {
			return nil, err
		}
		demoImage = tag
	}
	b := &builder{ws: ws, cfg: &ws.Config, services: types.Services{}, demoImage: demoImage}
	b.infra()
	for i := range ws.Config.Services {
		b.service(&ws.Config.Services[i])
	}
	b.dependencies()
	mounted, err := mountedFiles(ws)
	if err != nil {
		return nil, err
	}
	stampMounts(b.services, mounted)
	p := &types.Project{
		Name:       ws.Config.Project,
		WorkingDir: ws.Root(),
		Services:   b.services,
		Networks:   types.Networks{network: {Name: ws.Config.Project + "_" + network}},
		Volumes:    b.volumes,
	}
	if err := checkPublishedPorts(p); err != nil {
		return nil, err
	}
	return p, nil
}

// builder assembles the project; deps are the depends_on edges, resolved
// once every service exists so conditions can look at healthchecks.
type builder struct {
	ws        *workspace.Workspace
	cfg       *workspace.Config
	services  types.Services
	volumes   types.Volumes
	deps      []edge
	demoImage string
}

type edge struct {
	from, to string
	shared   bool // from lives in to's network namespace
}

func (b *builder) add(s types.ServiceConfig) { b.services[s.Name] = s }

func (b *builder) dependsOn(from, to string) { b.deps = append(b.deps, edge{from: from, to: to}) }

func (b *builder) infra() {
	in := &b.cfg.Infra
	cp := b.component(workspace.KumaCP, in.KumaCP, []string{"run"}, nil)
	cp.Hostname = workspace.KumaCP // the CP's certificate names only its hostname (FACTS.md)
	cp.Environment = env(map[string]string{
		"KUMA_ENVIRONMENT":                   "universal",
		"KUMA_MODE":                          "standalone",
		"KUMA_STORE_TYPE":                    "memory",
		"KUMA_DP_SERVER_AUTHN_DP_PROXY_TYPE": "none",
	})
	cp.Ports = publish(in.KumaCP, portKumaAPI, portKumaDiag)
	b.add(cp)

	zipkin := b.component(workspace.Zipkin, in.Zipkin, nil, nil)
	zipkin.Ports = publish(in.Zipkin, portZipkin)
	b.add(zipkin)

	if in.Postgres.On() {
		b.postgres()
	}
	if in.Kafka.On() {
		b.kafka()
	}
	b.kong()
}

func (b *builder) postgres() {
	in := b.cfg.Infra.Postgres
	// -h 127.0.0.1: over TCP, not the Unix socket. On a fresh volume the
	// image's entrypoint runs a temporary server for initdb that listens on
	// the socket only (listen_addresses=''), so a socket probe reports ready
	// before anything else can connect (docs/real-images.md).
	pg := b.component(workspace.Postgres, in, nil, &types.HealthCheckConfig{
		Test:     types.HealthCheckTest{"CMD", "pg_isready", "-h", "127.0.0.1", "-U", "hms", "-d", "hms"},
		Interval: duration(2 * time.Second), Timeout: duration(5 * time.Second), Retries: retries(30),
	})
	pg.Environment = env(map[string]string{"POSTGRES_USER": "hms", "POSTGRES_PASSWORD": "hms", "POSTGRES_DB": "hms"})
	pg.Ports = publish(in, portPostgres)
	pg.Volumes = []types.ServiceVolumeConfig{b.volume("postgres-data", "/var/lib/postgresql/data")}
	b.add(pg)
}

func (b *builder) kafka() {
	in := b.cfg.Infra.Kafka
	k := b.component(workspace.Kafka, in, nil, &types.HealthCheckConfig{
		Test:     types.HealthCheckTest{"CMD-SHELL", "/opt/kafka/bin/kafka-broker-api-versions.sh --bootstrap-server localhost:9092 >/dev/null 2>&1"},
		Interval: duration(5 * time.Second), Timeout: duration(10 * time.Second), Retries: retries(30), StartPeriod: duration(10 * time.Second),
	})
	// One KRaft node, broker and controller. The stack uses kafka:9092; a
	// client on the host gets its own listener, advertised as the published
	// 127.0.0.1 port, since "kafka" does not resolve there.
	listeners := []string{"PLAINTEXT://:9092", "CONTROLLER://:9093"}
	advertised := []string{"PLAINTEXT://kafka:9092"}
	protocols := []string{"CONTROLLER:PLAINTEXT", "PLAINTEXT:PLAINTEXT"}
	host := publishedPort(in, portKafka)
	if host > 0 {
		listeners = append(listeners, fmt.Sprintf("HOST://:%d", portKafkaHost))
		advertised = append(advertised, fmt.Sprintf("HOST://127.0.0.1:%d", host))
		protocols = append(protocols, "HOST:PLAINTEXT")
		k.Ports = hostPort(host, portKafkaHost)
	}
	k.Environment = env(map[string]string{
		"CLUSTER_ID":                                     kafkaClusterID,
		"KAFKA_NODE_ID":                                  "1",
		"KAFKA_PROCESS_ROLES":                            "broker,controller",
		"KAFKA_LISTENERS":                                strings.Join(listeners, ","),
		"KAFKA_ADVERTISED_LISTENERS":                     strings.Join(advertised, ","),
		"KAFKA_CONTROLLER_LISTENER_NAMES":                "CONTROLLER",
		"KAFKA_INTER_BROKER_LISTENER_NAME":               "PLAINTEXT",
		"KAFKA_LISTENER_SECURITY_PROTOCOL_MAP":           strings.Join(protocols, ","),
		"KAFKA_CONTROLLER_QUORUM_VOTERS":                 "1@kafka:9093",
		"KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR":         "1",
		"KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR": "1",
		"KAFKA_TRANSACTION_STATE_LOG_MIN_ISR":            "1",
		"KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS":         "0",
		"KAFKA_LOG_DIRS":                                 "/var/lib/kafka/data",
	})
	k.Volumes = []types.ServiceVolumeConfig{b.volume("kafka-data", "/var/lib/kafka/data")}
	b.add(k)
}

// kong runs DB-less from the mounted kong.yml, inside the network namespace
// of its own sidecar (a delegated gateway), which publishes its ports.
func (b *builder) kong() {
	in := b.cfg.Infra.Kong
	side := b.sidecar(workspace.Kong, publish(in, portKongProxy, portKongAdmin))
	b.add(side)
	k := b.component(workspace.Kong, in, nil, &types.HealthCheckConfig{
		Test:     types.HealthCheckTest{"CMD", "kong", "health"},
		Interval: duration(5 * time.Second), Timeout: duration(5 * time.Second), Retries: retries(30),
	})
	k.Environment = env(map[string]string{
		"KONG_DATABASE":           "off",
		"KONG_DECLARATIVE_CONFIG": kongMount,
		"KONG_PROXY_LISTEN":       fmt.Sprintf("0.0.0.0:%d", portKongProxy),
		"KONG_ADMIN_LISTEN":       fmt.Sprintf("0.0.0.0:%d", portKongAdmin),
		"KONG_PROXY_ACCESS_LOG":   "/dev/stdout",
		"KONG_ADMIN_ACCESS_LOG":   "/dev/stdout",
		"KONG_PROXY_ERROR_LOG":    "/dev/stderr",
		"KONG_ADMIN_ERROR_LOG":    "/dev/stderr",
	})
	k.Volumes = []types.ServiceVolumeConfig{b.bind(KongFile, kongMount)}
	b.joinSidecar(&k, side.Name)
	b.add(k)
}

// component is an infrastructure service with the workspace's overrides of
// image, command and healthcheck applied.
func (b *builder) component(name string, c workspace.Component, command []string, hc *types.HealthCheckConfig) types.ServiceConfig {
	s := types.ServiceConfig{Name: name}
	s.Image = c.Image
	s.Command = command
	if c.Command != nil {
		s.Command = c.Command
	}
	s.HealthCheck = hc
	if c.Healthcheck != nil {
		s.HealthCheck = healthcheck(c.Healthcheck)
	}
	s.Networks = map[string]*types.ServiceNetworkConfig{network: nil}
	s.Environment = types.MappingWithEquals{} // as compose-go loads an absent environment
	return s
}

// service adds a platform service: with a sidecar that owns its network
// namespace when meshed, on the network directly when not.
func (b *builder) service(s *workspace.Service) {
	app := types.ServiceConfig{Name: s.Name}
	b.source(&app, s)
	app.Command = s.Command
	app.Environment = env(b.appEnv(s))
	app.HealthCheck = b.appHealthcheck(s)
	if s.Meshed() {
		side := b.sidecar(s.Name, hostPort(s.HostPort, s.Port))
		b.add(side)
		b.joinSidecar(&app, side.Name)
	} else {
		app.Networks = map[string]*types.ServiceNetworkConfig{network: nil}
		app.Ports = hostPort(s.HostPort, s.Port)
	}
	for _, d := range s.DependsOn {
		b.dependsOn(s.Name, d)
	}
	b.add(app)
}

// sidecar is NAME-sidecar: kuma-dp with NAME's dataplane file. It owns the
// namespace, so it carries NAME's DNS alias and publishes NAME's ports.
func (b *builder) sidecar(name string, ports []types.ServicePortConfig) types.ServiceConfig {
	dp := b.cfg.Infra.KumaDP
	s := b.component(name+workspace.SidecarSuffix, dp, []string{"run"}, nil)
	s.Environment = env(map[string]string{
		"KUMA_CONTROL_PLANE_URL":               kumaCPURL,
		"KUMA_DATAPLANE_RUNTIME_RESOURCE_PATH": dataplaneMount,
	})
	s.Volumes = []types.ServiceVolumeConfig{b.bind(DataplaneFile(name), dataplaneMount)}
	s.Networks = map[string]*types.ServiceNetworkConfig{network: {Aliases: []string{name}}}
	s.Ports = ports
	b.dependsOn(s.Name, workspace.KumaCP)
	return s
}

// joinSidecar puts app into its sidecar's network namespace; the explicit
// dependency (restart: true) keeps compose's recreate-and-restart-together
// rule that a short-form depends_on would drop.
func (b *builder) joinSidecar(app *types.ServiceConfig, sidecar string) {
	app.NetworkMode = types.ServicePrefix + sidecar
	app.Networks = nil
	b.deps = append(b.deps, edge{from: app.Name, to: sidecar, shared: true})
}

// source sets image or build; demo services build hmsdev's own image.
func (b *builder) source(app *types.ServiceConfig, s *workspace.Service) {
	switch {
	case s.Demo:
		app.Image = b.demoImage
		app.Build = &types.BuildConfig{Context: b.ws.DemoDir(), Dockerfile: "Dockerfile"}
	case s.Build != "":
		app.Image = b.cfg.Project + "-" + s.Name
		app.Build = &types.BuildConfig{Context: filepath.Join(b.ws.Dir, s.Build), Dockerfile: "Dockerfile"}
	default:
		app.Image = s.Image
	}
}

// appEnv is what every app is told about itself and the services it calls
// (ARCHITECTURE.md); the workspace's env wins.
func (b *builder) appEnv(s *workspace.Service) map[string]string {
	m := map[string]string{"HMS_SERVICE_NAME": s.Name, "SERVER_PORT": strconv.Itoa(s.Port)}
	var calls []string
	for _, t := range s.Calls {
		url := OutboundURL(b.cfg, t)
		m[URLEnv(t)] = url
		calls = append(calls, t+"="+url)
	}
	if len(calls) > 0 {
		m["HMS_CALLS"] = strings.Join(calls, ",")
	}
	for k, v := range s.Env {
		m[k] = v
	}
	return m
}

// appHealthcheck: the workspace's, else for demo services the demo's own
// probe (the image is FROM scratch: no shell, no curl).
func (b *builder) appHealthcheck(s *workspace.Service) *types.HealthCheckConfig {
	if s.Healthcheck != nil {
		return healthcheck(s.Healthcheck)
	}
	if !s.Demo {
		return nil
	}
	return &types.HealthCheckConfig{
		Test:     types.HealthCheckTest{"CMD", "/hmsdev", "demo-service", "probe", fmt.Sprintf("http://127.0.0.1:%d/actuator/health", s.Port)},
		Interval: duration(2 * time.Second), Timeout: duration(2 * time.Second), Retries: retries(30),
	}
}

// dependencies writes every edge in the long form. A shared namespace gets
// restart: true; otherwise the condition is service_healthy where the
// target has a healthcheck, so a service starts once what it needs answers.
func (b *builder) dependencies() {
	for _, e := range b.deps {
		from := b.services[e.from]
		if from.DependsOn == nil {
			from.DependsOn = types.DependsOnConfig{}
		}
		cond := types.ServiceConditionStarted
		if hc := b.services[e.to].HealthCheck; !e.shared && hc != nil && !hc.Disable {
			cond = types.ServiceConditionHealthy
		}
		from.DependsOn[e.to] = types.ServiceDependency{Condition: cond, Restart: e.shared, Required: true}
		b.services[e.from] = from
	}
}

// bind mounts a workspace file read-only.
func (b *builder) bind(rel, target string) types.ServiceVolumeConfig {
	return types.ServiceVolumeConfig{Type: types.VolumeTypeBind, Source: b.ws.Path(rel), Target: target, ReadOnly: true}
}

// volume mounts a named volume, declaring it in the project.
func (b *builder) volume(name, target string) types.ServiceVolumeConfig {
	if b.volumes == nil {
		b.volumes = types.Volumes{}
	}
	b.volumes[name] = types.VolumeConfig{Name: b.cfg.Project + "_" + name}
	return types.ServiceVolumeConfig{Type: types.VolumeTypeVolume, Source: name, Target: target}
}

// publish maps container ports to 127.0.0.1, honouring the component's
// overrides (0 or less: not published).
func publish(c workspace.Component, containerPorts ...int) []types.ServicePortConfig {
	var out []types.ServicePortConfig
	for _, p := range containerPorts {
		out = append(out, hostPort(publishedPort(c, p), p)...)
	}
	return out
}

// publishedPort is the 127.0.0.1 port for a component's port: the same
// number unless the workspace overrides it.
func publishedPort(c workspace.Component, containerPort int) int {
	if h, ok := c.Ports[containerPort]; ok {
		return h
	}
	return containerPort
}

func hostPort(host, container int) []types.ServicePortConfig {
	if host <= 0 {
		return nil
	}
	return []types.ServicePortConfig{{
		Mode: "ingress", HostIP: "127.0.0.1", Target: uint32(container), Published: strconv.Itoa(host), Protocol: "tcp",
	}}
}

// checkPublishedPorts refuses two services on one 127.0.0.1 port, which
// would only fail once half the stack is up.
func checkPublishedPorts(p *types.Project) error {
	owner := map[string]string{}
	for _, name := range slices.Sorted(maps.Keys(p.Services)) {
		for _, port := range p.Services[name].Ports {
			if other, ok := owner[port.Published]; ok {
				return fix.New(fmt.Sprintf("127.0.0.1:%s is published by both %s and %s", port.Published, other, name),
					"move one of them: host_port for a service, infra.<name>.ports for the others")
			}
			owner[port.Published] = name
		}
	}
	return nil
}

func healthcheck(h *workspace.Healthcheck) *types.HealthCheckConfig {
	if h.Disable {
		return &types.HealthCheckConfig{Disable: true}
	}
	hc := &types.HealthCheckConfig{Test: h.Test, Interval: parseDuration(h.Interval), Timeout: parseDuration(h.Timeout), StartPeriod: parseDuration(h.StartPeriod)}
	if h.Retries > 0 {
		hc.Retries = retries(h.Retries)
	}
	return hc
}

// parseDuration: validation has already rejected bad durations.
func parseDuration(s string) *types.Duration {
	if s == "" {
		return nil
	}
	d, _ := time.ParseDuration(s)
	return duration(d)
}

func duration(d time.Duration) *types.Duration { v := types.Duration(d); return &v }

func retries(n int) *uint64 { v := uint64(n); return &v }

func env(m map[string]string) types.MappingWithEquals {
	out := types.MappingWithEquals{}
	for k, v := range m {
		out[k] = &v
	}
	return out
}

func hasDemo(cfg *workspace.Config) bool {
	for _, s := range cfg.Services {
		if s.Demo {
			return true
		}
	}
	return false
}
