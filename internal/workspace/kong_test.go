package workspace

import (
	"strings"
	"testing"
)

func TestKongPluginsDecode(t *testing.T) {
	ws, err := Parse([]byte(`kong:
  plugins:
    - name: rate-limiting
      config: {minute: 60, policy: local, limit_by: ip}
      enabled: true
services:
  a:
    image: x
    port: 1
    route: /a
    route_plugins:
      - name: cors
        config: {origins: ["*"]}
`), FileName)
	if err != nil {
		t.Fatal(err)
	}
	p := ws.Config.Kong.Plugins
	if len(p) != 1 || PluginName(p[0]) != "rate-limiting" || p[0]["enabled"] != true {
		t.Fatalf("kong.plugins: %#v", p)
	}
	if config, ok := p[0]["config"].(map[string]any); !ok || config["minute"] != 60 || config["limit_by"] != "ip" {
		t.Errorf("config: %#v", p[0]["config"])
	}
	if rp := ws.Config.Services[0].RoutePlugins; len(rp) != 1 || PluginName(rp[0]) != "cors" {
		t.Errorf("route_plugins: %#v", rp)
	}
	if got := ws.Where("kong.plugins[0].config.minute"); got != "hmsdev.yaml:4" {
		t.Errorf("line of a plugin's config key: %s", got)
	}
}

func TestKongPluginErrors(t *testing.T) {
	route := "services:\n  a:\n    image: x\n    port: 1\n    route: /a\n"
	for name, tc := range map[string]struct{ src, want string }{
		"unknown key in kong": {
			"kong:\n  plugin: []\n",
			`hmsdev.yaml:2: unknown key "plugin" in kong; did you mean "plugins"?`},
		"plugin not a mapping": {
			"kong:\n  plugins:\n    - name: cors\n    - rate-limiting\n",
			`hmsdev.yaml:4: kong.plugins[1]: expected a mapping, got "rate-limiting"`},
		"plugins not a list": {
			"kong:\n  plugins: {name: cors}\n",
			`hmsdev.yaml:2: kong.plugins: expected a list of mappings, got a mapping`},
		"no name": {
			"kong:\n  plugins:\n    - config: {minute: 1}\n",
			"hmsdev.yaml:3: kong.plugins[0]: a plugin needs a name"},
		"oauth2": {
			"kong:\n  plugins:\n    - name: cors\n    - name: oauth2\n",
			"hmsdev.yaml:4: kong.plugins[1]: plugin oauth2 does not work with Kong in DB-less mode"},
		"oauth2 fix": {
			"kong:\n  plugins:\n    - name: oauth2\n",
			"fix: remove it; check tokens with the jwt plugin"},
		"openid-connect on a route": {
			route + "    route_plugins:\n      - name: openid-connect\n",
			"hmsdev.yaml:7: services.a.route_plugins[0]: plugin openid-connect is a Kong Enterprise plugin"},
		"cluster policy": {
			"kong:\n  plugins:\n    - name: rate-limiting\n      config:\n        minute: 5\n        policy: cluster\n",
			"hmsdev.yaml:6: kong.plugins[0]: rate-limiting with policy: cluster keeps its counters in Kong's database"},
		"twice": {
			"kong:\n  plugins:\n    - name: cors\n    - name: cors\n",
			"hmsdev.yaml:4: kong.plugins[1]: plugin cors is listed twice in kong.plugins"},
		"route_plugins without a route": {
			"services:\n  a:\n    image: x\n    port: 1\n    route_plugins: [{name: cors}]\n",
			"hmsdev.yaml:5: service a: route_plugins apply to its Kong route, but it has no route"},
		"unknown key in a service suggests route_plugins": {
			route + "    route_plugin: []\n",
			`did you mean "route_plugins"?`},
	} {
		if got := errorFor(t, tc.src); !strings.Contains(got, tc.want) {
			t.Errorf("%s:\n got %s\nwant %s", name, got, tc.want)
		}
	}
}

func TestSamePluginOnDifferentConsumersIsFine(t *testing.T) {
	src := "kong:\n  plugins:\n    - {name: rate-limiting, consumer: a, config: {minute: 1}}\n    - {name: rate-limiting, consumer: b, config: {minute: 2}}\n"
	if _, err := Parse([]byte(src), FileName); err != nil {
		t.Fatal(err)
	}
}

func TestKongConsumers(t *testing.T) {
	ws, err := Parse([]byte("kong:\n  consumers:\n    - username: app\n      keyauth_credentials: [{key: secret}]\n"), FileName)
	if err != nil {
		t.Fatal(err)
	}
	if c := ws.Config.Kong.Consumers; len(c) != 1 || c[0]["username"] != "app" {
		t.Errorf("consumers: %#v", c)
	}
	got := errorFor(t, "kong:\n  consumers:\n    - keyauth_credentials: [{key: secret}]\n")
	if want := "hmsdev.yaml:3: kong.consumers[0]: a Kong consumer needs a username or a custom_id"; !strings.Contains(got, want) {
		t.Errorf("got %s\nwant %s", got, want)
	}
}
