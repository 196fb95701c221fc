package orchestrator

import (
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
)

// containerName is Compose's default name, project-service-1, unless the
// service sets container_name.
func containerName(p *types.Project, s types.ServiceConfig) string {
	if s.ContainerName != "" {
		return s.ContainerName
	}
	return p.Name + "-" + s.Name + "-1"
}

// serviceNetworks returns the service's networks as engine names with their
// aliases, the primary (highest priority, then name) first. Engine API 1.41
// takes only one network at create; the rest are connected afterwards.
func serviceNetworks(p *types.Project, s types.ServiceConfig) []attachment {
	if s.NetworkMode != "" {
		return nil
	}
	var out []attachment
	for _, key := range s.NetworksByPriority() {
		cfg := s.Networks[key]
		name := key
		if n, ok := p.Networks[key]; ok && n.Name != "" {
			name = n.Name
		}
		aliases := []string{s.Name}
		if cfg != nil {
			aliases = append(aliases, cfg.Aliases...)
		}
		out = append(out, attachment{network: name, aliases: aliases})
	}
	return out
}

type attachment struct {
	network string
	aliases []string
}

// createOptions turns a service into the engine's create request. ownerID
// is the container of a network_mode: service: owner.
func createOptions(p *types.Project, s types.ServiceConfig, image string, labels map[string]string, ownerID string) (client.ContainerCreateOptions, []attachment, error) {
	cfg := &container.Config{
		Hostname:     s.Hostname,
		Domainname:   s.DomainName,
		User:         s.User,
		Env:          envList(s.Environment),
		Cmd:          s.Command,
		Entrypoint:   s.Entrypoint,
		Image:        image,
		WorkingDir:   s.WorkingDir,
		Labels:       labels,
		StopSignal:   s.StopSignal,
		Tty:          s.Tty,
		OpenStdin:    s.StdinOpen,
		ExposedPorts: network.PortSet{},
		Healthcheck:  healthConfig(s.HealthCheck),
	}
	if s.StopGracePeriod != nil {
		secs := int(time.Duration(*s.StopGracePeriod).Seconds())
		cfg.StopTimeout = &secs
	}
	host := &container.HostConfig{
		PortBindings:   network.PortMap{},
		RestartPolicy:  restartPolicy(s.Restart),
		CapAdd:         s.CapAdd,
		CapDrop:        s.CapDrop,
		ExtraHosts:     s.ExtraHosts.AsList(":"),
		Privileged:     s.Privileged,
		ReadonlyRootfs: s.ReadOnly,
		SecurityOpt:    s.SecurityOpt,
		Init:           s.Init,
		Sysctls:        s.Sysctls,
	}
	if len(s.Tmpfs) > 0 {
		host.Tmpfs = map[string]string{}
		for _, t := range s.Tmpfs {
			path, opts, _ := strings.Cut(t, ":")
			host.Tmpfs[path] = opts
		}
	}
	for _, port := range s.Ports {
		proto := port.Protocol
		if proto == "" {
			proto = "tcp"
		}
		cport, ok := network.PortFrom(uint16(port.Target), network.IPProtocol(proto))
		if !ok {
			return client.ContainerCreateOptions{}, nil, fmt.Errorf("service %s: invalid port %d/%s", s.Name, port.Target, proto)
		}
		cfg.ExposedPorts[cport] = struct{}{}
		b := network.PortBinding{HostPort: port.Published}
		if port.HostIP != "" {
			ip, err := netip.ParseAddr(port.HostIP)
			if err != nil {
				return client.ContainerCreateOptions{}, nil, fmt.Errorf("service %s: port %d: host_ip %q: %w", s.Name, port.Target, port.HostIP, err)
			}
			b.HostIP = ip
		}
		host.PortBindings[cport] = append(host.PortBindings[cport], b)
	}
	mounts, err := mountsFor(p, s)
	if err != nil {
		return client.ContainerCreateOptions{}, nil, err
	}
	host.Mounts = mounts

	var attach []attachment
	netCfg := &network.NetworkingConfig{}
	switch {
	case ownerID != "":
		host.NetworkMode = container.NetworkMode("container:" + ownerID)
	case s.NetworkMode != "":
		host.NetworkMode = container.NetworkMode(s.NetworkMode)
	default:
		attach = serviceNetworks(p, s)
		if len(attach) > 0 {
			host.NetworkMode = container.NetworkMode(attach[0].network)
			netCfg.EndpointsConfig = map[string]*network.EndpointSettings{
				attach[0].network: {Aliases: attach[0].aliases},
			}
			attach = attach[1:]
		}
	}
	return client.ContainerCreateOptions{
		Name:             containerName(p, s),
		Config:           cfg,
		HostConfig:       host,
		NetworkingConfig: netCfg,
	}, attach, nil
}

// envList renders the environment sorted, so the request is stable; unset
// (nil) values are left out as Compose does.
func envList(m types.MappingWithEquals) []string {
	out := make([]string, 0, len(m))
	for k, v := range m {
		if v != nil {
			out = append(out, k+"="+*v)
		}
	}
	sort.Strings(out)
	return out
}

func healthConfig(h *types.HealthCheckConfig) *container.HealthConfig {
	if h == nil {
		return nil
	}
	if h.Disable {
		return &container.HealthConfig{Test: []string{"NONE"}}
	}
	hc := &container.HealthConfig{Test: h.Test}
	d := func(v *types.Duration) time.Duration {
		if v == nil {
			return 0
		}
		return time.Duration(*v)
	}
	hc.Interval, hc.Timeout = d(h.Interval), d(h.Timeout)
	hc.StartPeriod, hc.StartInterval = d(h.StartPeriod), d(h.StartInterval)
	if h.Retries != nil {
		hc.Retries = int(*h.Retries)
	}
	return hc
}

func restartPolicy(v string) container.RestartPolicy {
	mode, count, _ := strings.Cut(v, ":")
	rp := container.RestartPolicy{Name: container.RestartPolicyMode(mode)}
	if n, err := strconv.Atoi(count); err == nil {
		rp.MaximumRetryCount = n
	}
	return rp
}

func mountsFor(p *types.Project, s types.ServiceConfig) ([]mount.Mount, error) {
	var out []mount.Mount
	for _, v := range s.Volumes {
		m := mount.Mount{Target: v.Target, ReadOnly: v.ReadOnly, Source: v.Source}
		switch v.Type {
		case types.VolumeTypeVolume:
			m.Type = mount.TypeVolume
			if vol, ok := p.Volumes[v.Source]; ok && vol.Name != "" {
				m.Source = vol.Name
			}
		case types.VolumeTypeBind:
			m.Type = mount.TypeBind
		case types.VolumeTypeTmpfs:
			m.Type = mount.TypeTmpfs
		default:
			return nil, fmt.Errorf("service %s: volume %s: type %q is not supported by hmsdev", s.Name, v.Target, v.Type)
		}
		out = append(out, m)
	}
	return out, nil
}
