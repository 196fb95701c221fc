package orchestrator

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/compose-spec/compose-go/v2/types"
	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"

	"github.com/hms-platform/hmsdev/internal/fix"
)

// ensureNetworks creates the project networks the services use, unless
// they exist. One that exists without this project's label is refused: it
// is someone else's, and down would never remove it.
func (e *Engine) ensureNetworks(ctx context.Context, p *types.Project, services []string) error {
	used := map[string]bool{}
	for _, name := range services {
		for key := range p.Services[name].Networks {
			used[key] = true
		}
	}
	for _, key := range slices.Sorted(maps.Keys(used)) {
		n, ok := p.Networks[key]
		if !ok || bool(n.External) {
			continue
		}
		name := n.Name
		if name == "" {
			name = p.Name + "_" + key
		}
		res, err := e.api.NetworkInspect(ctx, name, client.NetworkInspectOptions{})
		if err == nil {
			if res.Network.Labels[LabelProject] != p.Name {
				return fix.New(fmt.Sprintf("network %s exists but does not belong to project %s", name, p.Name),
					fmt.Sprintf("remove it (docker network rm %s) or mark it external in the compose file", name))
			}
			continue
		}
		if !cerrdefs.IsNotFound(err) {
			return dockerErr(err, "cannot inspect network "+name)
		}
		done := e.step("network", name, "create", "")
		_, err = e.api.NetworkCreate(ctx, name, client.NetworkCreateOptions{
			Driver:     n.Driver,
			Internal:   n.Internal,
			Attachable: n.Attachable,
			Options:    n.DriverOpts,
			Labels:     resourceLabels(p.Name, key, LabelNetwork, n.Labels),
			IPAM:       ipam(n.Ipam),
		})
		done(err, "created")
		if err != nil {
			return dockerErr(err, "cannot create network "+name)
		}
	}
	return nil
}

func ipam(c types.IPAMConfig) *network.IPAM {
	if c.Driver == "" && len(c.Config) == 0 {
		return nil
	}
	out := &network.IPAM{Driver: c.Driver}
	for _, pool := range c.Config {
		var cfg network.IPAMConfig
		_ = cfg.Subnet.UnmarshalText([]byte(pool.Subnet))
		_ = cfg.Gateway.UnmarshalText([]byte(pool.Gateway))
		_ = cfg.IPRange.UnmarshalText([]byte(pool.IPRange))
		out.Config = append(out.Config, cfg)
	}
	return out
}

// ensureVolumes creates the project volumes the services mount. An
// existing volume is kept as it is: it holds data.
func (e *Engine) ensureVolumes(ctx context.Context, p *types.Project, services []string) error {
	used := map[string]bool{}
	for _, name := range services {
		for _, v := range p.Services[name].Volumes {
			if v.Type == types.VolumeTypeVolume && v.Source != "" {
				used[v.Source] = true
			}
		}
	}
	for _, key := range slices.Sorted(maps.Keys(used)) {
		v, ok := p.Volumes[key]
		if !ok || bool(v.External) {
			continue
		}
		name := v.Name
		if name == "" {
			name = p.Name + "_" + key
		}
		if _, err := e.api.VolumeInspect(ctx, name, client.VolumeInspectOptions{}); err == nil {
			continue
		} else if !cerrdefs.IsNotFound(err) {
			return dockerErr(err, "cannot inspect volume "+name)
		}
		done := e.step("volume", name, "create", "")
		_, err := e.api.VolumeCreate(ctx, client.VolumeCreateOptions{
			Name:       name,
			Driver:     v.Driver,
			DriverOpts: v.DriverOpts,
			Labels:     resourceLabels(p.Name, key, LabelVolume, v.Labels),
		})
		done(err, "created")
		if err != nil {
			return dockerErr(err, "cannot create volume "+name)
		}
	}
	return nil
}
