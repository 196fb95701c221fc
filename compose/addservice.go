package compose

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/hms-platform/hmsdev/internal/fix"
	"github.com/hms-platform/hmsdev/internal/workspace"
)

// AddServiceOptions are add-service's flags.
type AddServiceOptions struct {
	Name     string
	Port     int
	Image    string   // a registry image, or
	Build    string   // a build context relative to the workspace, or neither: the demo service
	Calls    []string // services the new one calls
	CalledBy []string // services that call the new one
	Route    string   // Kong path prefix, optional
	Protocol string   // default http
}

// AddService adds a service to the workspace's hmsdev.yaml (keeping its
// comments and key order), adds it to the calls of each --called-by
// service, and regenerates the dataplanes, kong.yml and the compose file.
// Everything is checked before anything is written: on error no file
// changes. It returns the workspace as it now is.
func AddService(ws *workspace.Workspace, o AddServiceOptions) (*workspace.Workspace, []Change, error) {
	if !ws.FromDisk {
		return nil, nil, fix.New("there is no hmsdev.yaml in "+ws.Dir+" to add the service to", "run `hmsdev init` first, then add-service")
	}
	if err := checkAddService(ws, &o); err != nil {
		return nil, nil, err
	}
	path := filepath.Join(ws.Dir, workspace.FileName)
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fix.Wrap(err, "cannot read "+path, "")
	}
	edited, err := editConfig(src, o)
	if err != nil {
		return nil, nil, err
	}
	next, err := workspace.Parse(edited, workspace.FileName)
	if err != nil {
		return nil, nil, fix.Wrap(err, "hmsdev.yaml would not be valid with "+o.Name+" added; nothing was changed", "adjust the flags")
	}
	next.Dir, next.FromDisk = ws.Dir, true
	p, err := Build(next)
	if err != nil {
		return nil, nil, err
	}
	files, err := Files(next, p)
	if err != nil {
		return nil, nil, err
	}
	files = append([]File{{Path: path, Data: edited, Mode: 0o644}}, files...)
	changes, err := Write(ws.Dir, files, false)
	return next, changes, err
}

// checkAddService checks the flags against the workspace, so each mistake
// is named by its flag rather than by a line of the edited file.
func checkAddService(ws *workspace.Workspace, o *AddServiceOptions) error {
	if o.Protocol == "" {
		o.Protocol = workspace.DefaultProtocol
	}
	if err := workspace.CheckName(o.Name); err != nil {
		return fix.New(err.Error(), "choose another name, such as hms-payments")
	}
	if s := ws.Service(o.Name); s != nil {
		return fix.New(fmt.Sprintf("service %s already exists (%s:%d); nothing was changed", o.Name, ws.File, s.Line),
			"choose another name, or edit its entry in hmsdev.yaml")
	}
	checks := []struct {
		bad       bool
		what, fix string
	}{
		{o.Port < 1 || o.Port > 65535, fmt.Sprintf("--port %d is out of range", o.Port), "give the port the app listens on, 1-65535"},
		{slices.Contains(workspace.SidecarPorts, o.Port), fmt.Sprintf("--port %d is taken by the kuma-dp sidecar", o.Port), "give the app another port"},
		{o.Image != "" && o.Build != "", "--image and --build are both set", "give one: --image for a registry image, --build for a directory with a Dockerfile, neither for the demo service"},
		{strings.ContainsAny(o.Image, " \t"), fmt.Sprintf("--image %q is not an image reference", o.Image), "give an image such as registry.example.com/hms/api:1.2"},
		{!slices.Contains(workspace.Protocols, o.Protocol), fmt.Sprintf("--protocol %q is not supported", o.Protocol), "use one of " + strings.Join(workspace.Protocols, ", ")},
		{o.Route != "" && !strings.HasPrefix(o.Route, "/"), fmt.Sprintf("--route %q does not start with /", o.Route), "give a path prefix such as /" + strings.TrimLeft(o.Route, "/")},
	}
	for _, c := range checks {
		if c.bad {
			return fix.New(c.what, c.fix)
		}
	}
	if err := checkBuildDir(ws, o.Build); err != nil {
		return err
	}
	if err := checkNames(ws, "--calls", o.Calls, o.Name); err != nil {
		return err
	}
	return checkNames(ws, "--called-by", o.CalledBy, o.Name)
}

func checkBuildDir(ws *workspace.Workspace, dir string) error {
	if dir == "" {
		return nil
	}
	if st, err := os.Stat(filepath.Join(ws.Dir, dir)); err != nil || !st.IsDir() {
		return fix.New(fmt.Sprintf("--build %s: no such directory in %s", dir, ws.Dir), "give a directory with a Dockerfile, relative to the workspace")
	}
	return nil
}

func checkNames(ws *workspace.Workspace, flag string, names []string, self string) error {
	for _, n := range names {
		switch {
		case n == self:
			return fix.New(fmt.Sprintf("%s %s: a service cannot call itself", flag, n), "remove it from "+flag)
		case ws.Service(n) == nil:
			return fix.New(fmt.Sprintf("%s %s: there is no such service", flag, n), "name services from hmsdev.yaml: "+strings.Join(serviceNames(ws), ", "))
		case !ws.Service(n).Meshed():
			return fix.New(fmt.Sprintf("%s %s: that service has mesh: false, so it cannot call or be called through the mesh", flag, n), "remove mesh: false from it in hmsdev.yaml")
		}
	}
	return nil
}

func serviceNames(ws *workspace.Workspace) []string {
	var names []string
	for _, s := range ws.Config.Services {
		names = append(names, s.Name)
	}
	return names
}

// editConfig appends the service to hmsdev.yaml's services mapping and adds
// it to each caller's calls, through yaml.Node so comments and order stay.
func editConfig(src []byte, o AddServiceOptions) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fix.New("hmsdev.yaml is not a mapping hmsdev can edit", "fix it (hmsdev generate names the problem) and try again")
	}
	services := mappingValue(doc.Content[0], "services")
	services.Content = append(services.Content, scalar(o.Name), serviceNode(o))
	for _, caller := range o.CalledBy {
		svc := mappingValue(services, caller)
		calls := mappingValue(svc, "calls")
		if calls.Kind != yaml.SequenceNode {
			*calls = yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
		}
		calls.Content = append(calls.Content, scalar(o.Name))
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, fmt.Errorf("render hmsdev.yaml: %w", err)
	}
	return buf.Bytes(), nil
}

// serviceNode is the new service's entry, with only the keys it needs.
func serviceNode(o AddServiceOptions) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	set := func(k string, v *yaml.Node) { n.Content = append(n.Content, scalar(k), v) }
	switch {
	case o.Image != "":
		set("image", scalar(o.Image))
	case o.Build != "":
		set("build", scalar(o.Build))
	default:
		set("demo", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"})
	}
	set("port", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(o.Port)})
	if o.Protocol != workspace.DefaultProtocol {
		set("protocol", scalar(o.Protocol))
	}
	if len(o.Calls) > 0 {
		seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
		for _, c := range o.Calls {
			seq.Content = append(seq.Content, scalar(c))
		}
		set("calls", seq)
	}
	if o.Route != "" {
		set("route", scalar(o.Route))
	}
	return n
}

// mappingValue returns the value of key in mapping m, adding an empty
// mapping under key if it is missing or null.
func mappingValue(m *yaml.Node, key string) *yaml.Node {
	if m.Kind == yaml.ScalarNode && m.Tag == "!!null" {
		*m = yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			v := m.Content[i+1]
			if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
				*v = yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			}
			return v
		}
	}
	v := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	m.Content = append(m.Content, scalar(key), v)
	return v
}

func scalar(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }
