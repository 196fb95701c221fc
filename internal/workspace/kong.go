package workspace

import "fmt"

// refusedPlugin says why a Kong plugin cannot run in the stack hmsdev starts
// (Kong's open-source image, DB-less from kong/kong.yml) and what to do.
type refusedPlugin struct{ why, fix string }

var refusedPlugins = map[string]refusedPlugin{
	"oauth2": {
		"does not work with Kong in DB-less mode, which is how hmsdev runs Kong (kong/kong.yml is its whole configuration): it keeps its clients and tokens in Kong's database",
		"remove it; check tokens with the jwt plugin (it works DB-less; its consumers and jwt_secrets go under kong.consumers), or issue and check them in a service such as hms-auth-bff",
	},
	"openid-connect": {
		"is a Kong Enterprise plugin: the open-source Kong image hmsdev runs does not have it, and Kong would refuse to start",
		"remove it; check tokens with the open-source jwt plugin, or run the OpenID Connect flow in a service such as hms-auth-bff",
	},
}

// dbPolicyPlugins keep counters in Kong's database with policy: cluster.
var dbPolicyPlugins = map[string]bool{"rate-limiting": true, "response-ratelimiting": true}

// kong checks kong.plugins, kong.consumers and each service's route_plugins.
func (v *validator) kong() {
	v.plugins("kong.plugins", v.ws.Config.Kong.Plugins)
	for i, c := range v.ws.Config.Kong.Consumers {
		if c["username"] == nil && c["custom_id"] == nil {
			at := fmt.Sprintf("kong.consumers[%d]", i)
			v.add(at, "give it a username (or a custom_id)", "%s: a Kong consumer needs a username or a custom_id", at)
		}
	}
	for i := range v.ws.Config.Services {
		s := &v.ws.Config.Services[i]
		if len(s.RoutePlugins) > 0 && s.Route == "" {
			v.add(key(s, "route_plugins"), "give the service a route (route: /api/...), or move the plugins to kong.plugins to apply them to every route",
				"service %s: route_plugins apply to its Kong route, but it has no route", s.Name)
		}
		v.plugins(key(s, "route_plugins"), s.RoutePlugins)
	}
}

// plugins checks one plugins list: each has a name, is listed once, and
// can run in hmsdev's DB-less, open-source Kong.
func (v *validator) plugins(path string, list []KongPlugin) {
	seen := map[string]bool{}
	for i, p := range list {
		at := fmt.Sprintf("%s[%d]", path, i)
		name := PluginName(p)
		if name == "" {
			v.add(at, "give it a name: e.g. name: rate-limiting", "%s: a plugin needs a name (a string)", at)
			continue
		}
		// Kong allows one plugin of a name per consumer, service and route.
		if id := fmt.Sprint(name, p["consumer"], p["service"], p["route"]); seen[id] {
			v.add(at+".name", "list it once; put settings for different consumers, services or routes in separate entries that name them", "%s: plugin %s is listed twice in %s", at, name, path)
		} else {
			seen[id] = true
		}
		if r, ok := refusedPlugins[name]; ok {
			v.add(at+".name", r.fix, "%s: plugin %s %s", at, name, r.why)
		}
		if config, _ := p["config"].(map[string]any); dbPolicyPlugins[name] && config["policy"] == "cluster" {
			v.add(at+".config.policy", "use policy: local (counters per Kong node; hmsdev runs one), or redis with a Redis server",
				"%s: %s with policy: cluster keeps its counters in Kong's database, which DB-less Kong does not have", at, name)
		}
	}
}
