package kumacp

import "fmt"

const serviceTag = "kuma.io/service"

func validateDataplane(v *errs, d map[string]any) {
	n := mapAt(d, "networking")
	addr := strAt(n, "address")
	switch addr {
	case "":
		v.add("networking.address", "address can't be empty")
	case "0.0.0.0", "::":
		v.add("networking.address", "must not be 0.0.0.0 or ::")
	}
	gw := mapAt(n, "gateway")
	inbound := listAt(n, "inbound")
	if gw == nil && len(inbound) == 0 {
		v.add("networking", "has to contain at least one inbound interface or gateway")
	}
	if gw != nil {
		if t := strAt(gw, "type"); t != "" && t != "DELEGATED" && t != "BUILTIN" {
			v.add("networking.gateway.type", "invalid value %q: valid values: DELEGATED, BUILTIN", t)
		}
		requireServiceTag(v, "networking.gateway", gw)
	}
	for i, in := range inbound {
		m, _ := in.(map[string]any)
		p := fmt.Sprintf("networking.inbound[%d]", i)
		port := intAt(m, "port")
		if port < 1 || port > 65535 {
			v.add(p+".port", "port must be in the range [1, 65535]")
		}
		servicePort := port
		if _, ok := m["servicePort"]; ok {
			servicePort = intAt(m, "servicePort")
		}
		listen, app := addr, "127.0.0.1"
		if a := strAt(m, "address"); a != "" {
			listen = a
		}
		if a := strAt(m, "serviceAddress"); a != "" {
			app = a
		}
		if port == servicePort && listen == app {
			v.add(p, "pair of address and port must differ from the pair of serviceAddress and servicePort: "+
				"the proxy and the app cannot both listen on %s:%d", app, port)
		}
		requireServiceTag(v, p, m)
	}
	for i, out := range listAt(n, "outbound") {
		m, _ := out.(map[string]any)
		p := fmt.Sprintf("networking.outbound[%d]", i)
		if port := intAt(m, "port"); port < 1 || port > 65535 {
			v.add(p+".port", "port must be in the range [1, 65535]")
		}
		if strAt(m, "service") == "" {
			requireServiceTag(v, p, m)
		}
	}
}

func requireServiceTag(v *errs, path string, m map[string]any) {
	if strAt(mapAt(m, "tags"), serviceTag) == "" {
		v.add(path+`.tags["`+serviceTag+`"]`, "tag has to exist")
	}
}
