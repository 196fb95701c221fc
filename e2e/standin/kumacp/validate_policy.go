package kumacp

import (
	"fmt"
	"slices"
)

// Which kinds each place accepts, for the new-style policies hmsdev uses.
var (
	topKinds = []string{"Mesh", "MeshSubset", "MeshService", "MeshServiceSubset", "MeshGateway"}
	toKinds  = []string{"Mesh", "MeshService"}
)

func validatePolicy(v *errs, typ string, spec map[string]any) {
	if spec == nil {
		v.add("spec", "must be defined")
		return
	}
	validateTargetRef(v, "spec.targetRef", mapAt(spec, "targetRef"), topKinds)
	to, from := listAt(spec, "to"), listAt(spec, "from")
	switch typ {
	case "MeshRetry":
		if len(to) == 0 {
			v.add("spec.to", "needs at least one item")
		}
	case "MeshCircuitBreaker", "MeshTimeout":
		if len(to) == 0 && len(from) == 0 {
			v.add("spec", "at least one of 'from', 'to' has to be defined")
		}
		validateList(v, "spec.from", from, []string{"Mesh"})
	case "MeshTrafficPermission":
		if len(from) == 0 {
			v.add("spec.from", "needs at least one item")
		}
		validateList(v, "spec.from", from, []string{"Mesh", "MeshSubset", "MeshService", "MeshServiceSubset"})
		for i, f := range from {
			m, _ := f.(map[string]any)
			if a := strAt(mapAt(m, "default"), "action"); a != "Allow" && a != "Deny" && a != "AllowWithShadowDeny" {
				v.add(fmt.Sprintf("spec.from[%d].default.action", i), "must be one of Allow, Deny, AllowWithShadowDeny")
			}
		}
	case "MeshTrace":
		def := mapAt(spec, "default")
		if def == nil {
			v.add("spec.default", "must be defined")
		} else if len(listAt(def, "backends")) > 1 {
			v.add("spec.default.backends", "must have zero or one backend defined")
		}
		return
	}
	validateList(v, "spec.to", to, toKinds)
}

func validateList(v *errs, path string, items []any, kinds []string) {
	for i, it := range items {
		m, _ := it.(map[string]any)
		p := fmt.Sprintf("%s[%d]", path, i)
		validateTargetRef(v, p+".targetRef", mapAt(m, "targetRef"), kinds)
		if mapAt(m, "default") == nil {
			v.add(p+".default", "must be defined")
		}
	}
}

func validateTargetRef(v *errs, path string, ref map[string]any, kinds []string) {
	if ref == nil {
		v.add(path, "must be defined")
		return
	}
	kind := strAt(ref, "kind")
	if !slices.Contains(kinds, kind) {
		v.add(path+".kind", "value is not supported")
		return
	}
	switch kind {
	case "Mesh":
		if strAt(ref, "name") != "" {
			v.add(path+".name", "must not be set with kind Mesh")
		}
	case "MeshService", "MeshServiceSubset", "MeshGateway":
		if strAt(ref, "name") == "" {
			v.add(path+".name", "must be set with kind %s", kind)
		}
	}
}

// validateLegacy checks the flat shape of old-style policies: a spec:
// wrapper is ignored, so its contents count as missing.
func validateLegacy(v *errs, typ string, p map[string]any) {
	switch typ {
	case "TrafficTrace", "ProxyTemplate":
		if len(listAt(p, "selectors")) == 0 {
			v.add("selectors", "must have at least one element")
		}
		return
	}
	if len(listAt(p, "sources")) == 0 {
		v.add("sources", "must have at least one element")
	}
	if len(listAt(p, "destinations")) == 0 {
		v.add("destinations", "must have at least one element")
	}
}
