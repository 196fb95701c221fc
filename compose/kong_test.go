package compose

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hms-platform/hmsdev/internal/workspace"
)

func TestKongPluginsReachKongYML(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, workspace.FileName), []byte(`kong:
  plugins:
    - name: rate-limiting
      config: {minute: 60, policy: local, limit_by: ip}
    - name: correlation-id
      enabled: true
      config:
        header_name: X-Request-ID
        generator: uuid
  consumers:
    - username: mobile-app
      keyauth_credentials: [{key: dev-key}]
services:
  a:
    demo: true
    port: 8080
    route: /api/a
    route_plugins:
      - name: request-size-limiting
        config: {allowed_payload_size: 8}
  b:
    demo: true
    port: 8081
    route: /api/b
`), 0o644)
	ws, err := workspace.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	mustGenerate(t, ws, Options{})
	got := read(t, ws.Path(KongFile))
	for _, want := range []string{
		// the route of a carries its plugin; b's route has none
		`      - name: a
        paths:
          - /api/a
        strip_path: false
        plugins:
          - name: request-size-limiting
            config:
              allowed_payload_size: 8
  - name: b
`,
		// global plugins, name first, the rest as written
		`plugins:
  - name: rate-limiting
    config:
      limit_by: ip
      minute: 60
      policy: local
  - name: correlation-id
    config:
      generator: uuid
      header_name: X-Request-ID
    enabled: true
consumers:
  - keyauth_credentials:
      - key: dev-key
    username: mobile-app
`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("kong.yml lacks\n%s\ngot:\n%s", want, got)
		}
	}
}
