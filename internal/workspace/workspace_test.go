package workspace

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadWithoutWorkspaceUsesTheEmbeddedDefault(t *testing.T) {
	dir := t.TempDir()
	ws, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if ws.FromDisk || ws.Root() != filepath.Join(dir, StateDir) {
		t.Errorf("FromDisk %v Root %s", ws.FromDisk, ws.Root())
	}
	c := ws.Config
	if c.Project != "hms" || c.Kuma.Version != "2.5.0" || c.Kuma.Mesh != "default" || c.Kuma.MTLS != "permissive" {
		t.Errorf("defaults: %+v", c)
	}
	if len(c.Services) != 2 || c.Services[0].Name != "hms-auth-bff" || c.Services[1].Name != "hms-onboarding-workflow" {
		t.Fatalf("services %+v", c.Services)
	}
	bff := c.Services[0]
	if bff.Port != 8080 || !bff.Demo || bff.Route != "/api/auth" || bff.Calls[0] != "hms-onboarding-workflow" || bff.DependsOn[0] != "postgres" || bff.Protocol != "http" || bff.HostPort != 8080 {
		t.Errorf("hms-auth-bff %+v", bff)
	}
}

func TestLoadFromDisk(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, FileName), []byte("project: demo\nservices:\n  z: {image: x, port: 1}\n  a: {image: x, port: 2}\n"), 0o644)
	ws, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !ws.FromDisk || ws.Root() != dir || ws.Config.Project != "demo" {
		t.Errorf("FromDisk %v Root %s project %s", ws.FromDisk, ws.Root(), ws.Config.Project)
	}
	if ws.Config.Services[0].Name != "z" || ws.Config.Services[1].Name != "a" || ws.Config.Services[1].Line != 4 {
		t.Errorf("services lost file order or lines: %+v", ws.Config.Services)
	}
	if ws.Config.Infra.KumaCP.Image != "kong/kuma-cp:2.5.0" || ws.Config.Infra.Kafka.Image != "apache/kafka:3.7.0" || ws.Config.Infra.Kong.Image != "kong:3.6" {
		t.Errorf("default images: %+v", ws.Config.Infra)
	}
}

func TestKumaVersionSetsDefaultImages(t *testing.T) {
	ws, err := Parse([]byte("kuma: {version: 2.5.1}\n"), FileName)
	if err != nil {
		t.Fatal(err)
	}
	if ws.Config.Infra.KumaCP.Image != "kong/kuma-cp:2.5.1" || ws.Config.Infra.KumaDP.Image != "kong/kuma-dp:2.5.1" {
		t.Errorf("images %s %s", ws.Config.Infra.KumaCP.Image, ws.Config.Infra.KumaDP.Image)
	}
}

// errorFor parses src and returns the error text, failing if there is none.
func errorFor(t *testing.T, src string) string {
	t.Helper()
	_, err := Parse([]byte(src), FileName)
	if err == nil {
		t.Fatalf("no error for:\n%s", src)
	}
	return err.Error()
}

func TestStrictDecoding(t *testing.T) {
	for name, tc := range map[string]struct{ src, want string }{
		"unknown key in a service": {
			"project: hms\nservices:\n  hms-auth-bff:\n    demo: true\n    prot: 8080\n",
			`hmsdev.yaml:5: unknown key "prot" in service hms-auth-bff; did you mean "port"?`},
		"unknown top-level key": {
			"projct: hms\n",
			`hmsdev.yaml:1: unknown key "projct" at the top level; did you mean "project"?`},
		"unknown key in infra": {
			"infra:\n  kong:\n    imag: kong:3\n",
			`hmsdev.yaml:3: unknown key "imag" in infra.kong; did you mean "image"?`},
		"unknown infra component": {
			"infra:\n  zipkn: {}\n",
			`hmsdev.yaml:2: unknown key "zipkn" in infra; did you mean "zipkin"?`},
		"unknown key in a healthcheck": {
			"services:\n  a:\n    image: x\n    port: 1\n    healthcheck:\n      tests: [CMD, x]\n",
			`hmsdev.yaml:6: unknown key "tests" in service a (healthcheck); did you mean "test"?`},
		"no suggestion when nothing is close": {
			"zzzzzzzz: 1\n",
			`hmsdev.yaml:1: unknown key "zzzzzzzz" at the top level`},
		"wrong type": {
			"services:\n  a:\n    image: x\n    port: eighty\n",
			`hmsdev.yaml:4: services.a.port: expected a whole number, got "eighty"`},
		"wrong type in a map": {
			"services:\n  a:\n    image: x\n    port: 1\n    env:\n      X: [1]\n",
			`hmsdev.yaml:6: services.a.env: expected a mapping of strings, got a mapping`},
		"services not a mapping": {
			"services:\n  - a\n",
			`hmsdev.yaml:2: services: expected a mapping of service names, got a list`},
		"syntax": {
			"project: [hms\n",
			`hmsdev.yaml: not valid YAML`},
	} {
		if got := errorFor(t, tc.src); !strings.Contains(got, tc.want) {
			t.Errorf("%s:\n got %s\nwant %s", name, got, tc.want)
		}
	}
}

func TestValidation(t *testing.T) {
	svc := func(body string) string { return "services:\n  a:\n    image: x\n    port: 8080\n" + body }
	for name, tc := range map[string]struct{ src, want string }{
		"name not a DNS label":    {"services:\n  Bad_Name: {image: x, port: 1}\n", "hmsdev.yaml:2: service name \"Bad_Name\" is not a DNS label"},
		"reserved name":           {"services:\n  kong: {image: x, port: 1}\n", "reserved"},
		"sidecar suffix":          {"services:\n  a-sidecar: {image: x, port: 1}\n", "ends in \"-sidecar\""},
		"port out of range":       {"services:\n  a:\n    image: x\n    port: 70000\n", "hmsdev.yaml:4: service a: port 70000 is out of range"},
		"port missing":            {"services:\n  a: {image: x}\n", "port 0 is out of range"},
		"sidecar port":            {"services:\n  a: {image: x, port: 9901}\n", "port 9901 is taken by Envoy's admin API"},
		"inbound on sidecar port": {"services:\n  a: {image: x, port: 5053}\n", "its Envoy inbound would listen on 15053, which is taken by kuma-dp's CoreDNS"},
		"protocol":                {svc("    protocol: https\n"), "hmsdev.yaml:5: service a: protocol \"https\" is not supported"},
		"two sources":             {svc("    demo: true\n"), "has 2 of image, build and demo"},
		"no source":               {"services:\n  a: {port: 1}\n", "has 0 of image, build and demo"},
		"unknown call":            {svc("    calls: [bb]\n"), "hmsdev.yaml:5: service a calls \"bb\", which is not a service"},
		"self call":               {svc("    calls: [a]\n"), "calls itself"},
		"unknown dependency":      {svc("    depends_on: [postgress]\n"), "(did you mean \"postgres\"?)"},
		"disabled dependency":     {"infra:\n  kafka: {enabled: false}\n" + svc("    depends_on: [kafka]\n"), "turned off"},
		"route without slash":     {svc("    route: api\n"), "hmsdev.yaml:5: service a: route \"api\" does not start with /"},
		"duplicate route":         {svc("    route: /x\n  b: {image: x, port: 1, route: /x}\n"), "already the route of a"},
		"route on tcp":            {svc("    route: /x\n    protocol: tcp\n"), "Kong routes HTTP"},
		"mtls":                    {"kuma: {mtls: on}\n", "hmsdev.yaml:1: kuma.mtls \"on\" is not a mode"},
		"kong off":                {"infra:\n  kong: {enabled: false}\n", "cannot be turned off"},
		"bad duration":            {svc("    healthcheck: {test: [CMD, x], interval: soon}\n"), "not a duration"},
		"empty healthcheck test":  {svc("    healthcheck: {interval: 1s}\n"), "test is empty"},
		"duplicate service":       {"services:\n  a: {image: x, port: 1}\n  a: {image: x, port: 2}\n", "defined twice"},
		"call to unmeshed":        {svc("    calls: [b]\n  b: {image: x, port: 1, mesh: false}\n"), "mesh: false"},
		"depends_on cycle": {
			"services:\n  a: {image: x, port: 1, depends_on: [b]}\n  b: {image: x, port: 2, depends_on: [c]}\n  c: {image: x, port: 3, depends_on: [a]}\n",
			"depends_on cycle: a -> b -> c -> a"},
	} {
		if got := errorFor(t, tc.src); !strings.Contains(got, tc.want) {
			t.Errorf("%s:\n got %s\nwant %s", name, got, tc.want)
		}
	}
}

func TestCallCyclesAreFine(t *testing.T) {
	if _, err := Parse([]byte("services:\n  a: {image: x, port: 1, calls: [b]}\n  b: {image: x, port: 2, calls: [a]}\n"), FileName); err != nil {
		t.Fatal(err)
	}
}

func TestValidationReportsEveryProblem(t *testing.T) {
	got := errorFor(t, "services:\n  a: {image: x, port: 0}\n  b: {image: x, port: 1, protocol: ftp}\n")
	if !strings.Contains(got, "service a: port 0") || !strings.Contains(got, "service b: protocol") {
		t.Errorf("want both problems, got:\n%s", got)
	}
}

func TestCheckName(t *testing.T) {
	for _, ok := range []string{"a", "hms-auth-bff", "svc2"} {
		if err := CheckName(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "A", "-a", "a-", "1a", "a_b", strings.Repeat("a", 64), "kuma-cp", "postgres", "x-sidecar"} {
		if CheckName(bad) == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
