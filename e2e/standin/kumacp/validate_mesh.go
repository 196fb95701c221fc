package kumacp

import (
	"fmt"
	"net/url"
)

func validateMesh(v *errs, m map[string]any) {
	if mtls := mapAt(m, "mtls"); mtls != nil {
		enabled := strAt(mtls, "enabledBackend")
		found := enabled == ""
		for i, b := range listAt(mtls, "backends") {
			be, _ := b.(map[string]any)
			p := fmt.Sprintf("mtls.backends[%d]", i)
			if strAt(be, "name") == "" {
				v.add(p+".name", "cannot be empty")
			}
			if t := strAt(be, "type"); t != "builtin" && t != "provided" && t != "vault" && t != "acmpca" && t != "certmanager" {
				v.add(p+".type", "unknown backend type %q: valid values: builtin, provided, vault, acmpca, certmanager", t)
			}
			if mode, ok := be["mode"]; ok && mode != "STRICT" && mode != "PERMISSIVE" {
				v.add(p+".mode", "invalid value %v: valid values: STRICT, PERMISSIVE", mode)
			}
			if strAt(be, "name") == enabled {
				found = true
			}
		}
		if !found {
			v.add("mtls.enabledBackend", "has to be set to one of the backends in the mesh")
		}
	}
	for i, b := range listAt(mapAt(m, "tracing"), "backends") {
		be, _ := b.(map[string]any)
		if strAt(be, "type") != "zipkin" {
			continue
		}
		raw := strAt(mapAt(be, "conf"), "url")
		u, err := url.Parse(raw)
		if raw == "" || err != nil || u.Host == "" {
			v.add(fmt.Sprintf("tracing.backends[%d].conf.url", i), "must be a valid url")
		} else if u.Port() == "" {
			v.add(fmt.Sprintf("tracing.backends[%d].conf.url", i), "must contain an explicit port")
		}
	}
}
