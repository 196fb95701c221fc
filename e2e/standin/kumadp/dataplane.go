package kumadp

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"

	"go.yaml.in/yaml/v4"
)

// Dataplane is what the stand-in needs of the dataplane resource.
type Dataplane struct {
	Type       string `json:"type"`
	Mesh       string `json:"mesh"`
	Name       string `json:"name"`
	Networking struct {
		Address  string    `json:"address"`
		Inbound  []Inbound `json:"inbound"`
		Outbound []struct {
			Port    int               `json:"port"`
			Address string            `json:"address"`
			Tags    map[string]string `json:"tags"`
		} `json:"outbound"`
		Gateway *struct {
			Type string            `json:"type"`
			Tags map[string]string `json:"tags"`
		} `json:"gateway"`
	} `json:"networking"`
}

// Inbound is one inbound listener.
type Inbound struct {
	Port           int               `json:"port"`
	ServicePort    int               `json:"servicePort"`
	ServiceAddress string            `json:"serviceAddress"`
	Tags           map[string]string `json:"tags"`
}

var templateVar = regexp.MustCompile(`\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}`)

// render fills {{ k }} with --dataplane-var values; like the real kuma-dp's
// mustache templating, an unknown variable renders empty (warned about).
func render(text string, vars map[string]string, warn func(string)) string {
	return templateVar.ReplaceAllStringFunc(text, func(m string) string {
		k := templateVar.FindStringSubmatch(m)[1]
		v, ok := vars[k]
		if !ok {
			warn(fmt.Sprintf("dataplane template variable %q has no value (give --dataplane-var %s=VALUE); it renders empty", k, k))
		}
		return v
	})
}

// loadDataplane reads, templates and parses the dataplane resource, and
// returns it with its JSON form (what the CP receives).
func loadDataplane(c Config, warn func(string)) (Dataplane, []byte, error) {
	text := c.Dataplane
	if c.DataplaneFile != "" {
		b, err := os.ReadFile(c.DataplaneFile)
		if err != nil {
			return Dataplane{}, nil, fmt.Errorf("could not read the dataplane file: %w", err)
		}
		text = string(b)
	}
	var doc map[string]any
	if err := yaml.Unmarshal([]byte(render(text, c.Vars, warn)), &doc); err != nil {
		return Dataplane{}, nil, fmt.Errorf("the dataplane resource is not valid YAML: %w", err)
	}
	raw, err := json.Marshal(doc)
	if err != nil {
		return Dataplane{}, nil, fmt.Errorf("the dataplane resource: %w", err)
	}
	var dp Dataplane
	if err := json.Unmarshal(raw, &dp); err != nil {
		return dp, nil, fmt.Errorf("the dataplane resource: %w", err)
	}
	if dp.Type != "" && dp.Type != "Dataplane" {
		return dp, nil, fmt.Errorf("the dataplane resource has type %q, want Dataplane", dp.Type)
	}
	if c.Name != "" {
		if dp.Name != "" && dp.Name != c.Name {
			return dp, nil, fmt.Errorf("--name %q differs from the dataplane resource's name %q", c.Name, dp.Name)
		}
		dp.Name = c.Name
	}
	if c.Mesh != "" {
		if dp.Mesh != "" && dp.Mesh != c.Mesh {
			return dp, nil, fmt.Errorf("--mesh %q differs from the dataplane resource's mesh %q", c.Mesh, dp.Mesh)
		}
		dp.Mesh = c.Mesh
	}
	if dp.Name == "" {
		return dp, nil, fmt.Errorf("the dataplane has no name: set name: in the file or --name")
	}
	if dp.Mesh == "" {
		dp.Mesh = "default"
	}
	return dp, raw, nil
}
