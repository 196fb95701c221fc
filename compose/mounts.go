package compose

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/hms-platform/hmsdev/internal/workspace"
)

// MountsDigestLabel carries a digest of the generated files a container
// bind-mounts. kuma-dp reads its dataplane file, and Kong its kong.yml, only
// at start; the label puts their content into the service's config, so a
// change to either (add-service adding an outbound or a route) changes the
// config-hash and recreates the container, under hmsdev and docker compose alike.
const MountsDigestLabel = "dev.hmsdev.mounts-digest"

// mountedFiles renders the generated files that containers mount, keyed by
// absolute path.
func mountedFiles(ws *workspace.Workspace) (map[string][]byte, error) {
	dps, err := dataplaneFiles(&ws.Config)
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{ws.Path(KongFile): marshal(KongConfig(&ws.Config))}
	for rel, data := range dps {
		out[ws.Path(rel)] = data
	}
	return out, nil
}

// stampMounts labels every service that bind-mounts generated files with
// one digest of their content.
func stampMounts(services types.Services, files map[string][]byte) {
	for name, s := range services {
		var sources []string
		for _, v := range s.Volumes {
			if _, ok := files[v.Source]; ok && v.Type == types.VolumeTypeBind {
				sources = append(sources, v.Source)
			}
		}
		if len(sources) == 0 {
			continue
		}
		sort.Strings(sources)
		h := sha256.New()
		for _, src := range sources {
			h.Write(files[src])
		}
		if s.Labels == nil {
			s.Labels = types.Labels{}
		}
		s.Labels[MountsDigestLabel] = hex.EncodeToString(h.Sum(nil))[:16]
		services[name] = s
	}
}
