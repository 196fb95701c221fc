package compose

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/hms-platform/hmsdev/internal/fix"
	"github.com/hms-platform/hmsdev/internal/workspace"
	"github.com/hms-platform/hmsdev/internal/yamledit"
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

// AddService adds a service to the workspace's hmsdev.yaml (inserting its
// lines and changing nothing else in the file), adds it to the calls of
// each --called-by service, and regenerates the dataplanes, kong.yml and
// the compose file.
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
	mode := os.FileMode(0o644)
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm() // the user's permissions stay
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
	// hmsdev.yaml last: if a write fails, the user's file is as it was, and
	// the next generate puts the generated files it had already written back.
	files = append(files, File{Path: path, Data: edited, Mode: mode})
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
		{workspace.SidecarPortClash(o.Port) != "", "--port: " + workspace.SidecarPortClash(o.Port), "give the app another port"},
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

// editConfig adds the service to hmsdev.yaml's services and to the calls of
// each --called-by service. The edits are worked out on the YAML tree and
// spliced into the file's text, so everything else the user wrote (blank
// lines, comments, quoting, indentation) stays byte for byte. The result is
// parsed again and must hold exactly the intended data; if it does not,
// add-service says so and writes nothing.
func editConfig(src []byte, o AddServiceOptions) ([]byte, error) {
	doc, err := parseEditable(src)
	if err != nil {
		return nil, err
	}
	want, _ := parseEditable(src)
	intendedConfig(want, o)
	t := yamledit.New(src)
	edits, err := configEditor{t: t, root: doc.Content[0], o: o}.edits()
	if err != nil {
		return nil, err
	}
	out := t.Apply(edits)
	got, err := parseEditable(out)
	if err != nil || !yamledit.SameTree(got, want) {
		return nil, cannotEdit(o, "inserting it as text would also change what the lines around it mean")
	}
	return out, nil
}

func parseEditable(src []byte) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fix.New("hmsdev.yaml is not a mapping hmsdev can edit", "fix it (hmsdev generate names the problem) and try again")
	}
	return &doc, nil
}

// cannotEdit is the error when the file is written in a way add-service
// cannot extend by inserting text; it gives the entry to add by hand.
func cannotEdit(o AddServiceOptions, why string) error {
	entry := strings.Join(serviceLines(serviceNode(o), o.Name, 2, 2), "\n")
	hint := "add it by hand under services: and run `hmsdev generate`:\n" + entry
	if len(o.CalledBy) > 0 {
		hint += "\nand add " + o.Name + " to the calls of " + strings.Join(o.CalledBy, ", ")
	}
	return fix.New(fmt.Sprintf("hmsdev.yaml: add-service cannot add %s without rewriting what you wrote (%s); nothing was changed", o.Name, why), hint)
}

// intendedConfig is the edit on the YAML tree: the new service appended to
// services, and its name appended to each caller's calls.
func intendedConfig(doc *yaml.Node, o AddServiceOptions) {
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
}

// configEditor turns intendedConfig into text edits of hmsdev.yaml.
type configEditor struct {
	t    *yamledit.Text
	root *yaml.Node // the top-level mapping
	o    AddServiceOptions
}

func (c configEditor) edits() ([]yamledit.Edit, error) {
	var edits []yamledit.Edit
	i := yamledit.KeyIndex(c.root, "services")
	if i >= 0 {
		services, next := c.root.Content[i+1], nextKeyLine(c.root, i, 0)
		for _, caller := range c.o.CalledBy {
			e, err := c.addCall(services, next, caller)
			if err != nil {
				return nil, err
			}
			edits = append(edits, e)
		}
	}
	e, err := c.addService(i)
	return append(edits, e), err
}

// addService appends the new entry after the last line of services, with
// the indentation the file uses, after a blank line if the services are
// separated by blank lines.
func (c configEditor) addService(i int) (yamledit.Edit, error) {
	unit := indentUnit(c.root)
	if i < 0 {
		return c.t.InsertAfter(c.t.Lines(), append([]string{"services:"}, serviceLines(serviceNode(c.o), c.o.Name, unit, unit)...)...), nil
	}
	key, services := c.root.Content[i], c.root.Content[i+1]
	end := c.t.LastLine(key.Line, nextKeyLine(c.root, i, 0), key.Column)
	switch {
	case isEmptyNull(services):
		return c.t.InsertAfter(end, serviceLines(serviceNode(c.o), c.o.Name, key.Column-1+unit, unit)...), nil
	case services.Kind != yaml.MappingNode || services.Style&yaml.FlowStyle != 0:
		return yamledit.Edit{}, cannotEdit(c.o, fmt.Sprintf("services: at line %d is not a block mapping", key.Line))
	}
	lines := serviceLines(serviceNode(c.o), c.o.Name, services.Content[0].Column-1, bodyIndent(services, unit))
	if last := services.Content[len(services.Content)-2]; len(services.Content) > 2 && c.blankBefore(last.Line) {
		lines = append([]string{""}, lines...)
	}
	return c.t.InsertAfter(end, lines...), nil
}

// blankBefore reports whether a blank line precedes line n and the
// comments right above it.
func (c configEditor) blankBefore(n int) bool {
	for n--; n > 0 && c.t.Comment(n); n-- {
	}
	return n > 0 && c.t.Blank(n)
}

// addCall appends the new service to caller's calls: to a flow list
// ([a, b]), as a new item of a block list (- a), or as a new calls: key.
func (c configEditor) addCall(services *yaml.Node, servicesNext int, caller string) (yamledit.Edit, error) {
	i := yamledit.KeyIndex(services, caller)
	if i < 0 || services.Content[i+1].Kind != yaml.MappingNode {
		return yamledit.Edit{}, cannotEdit(c.o, "the entry of "+caller+" is not a mapping")
	}
	key, svc := services.Content[i], services.Content[i+1]
	j := yamledit.KeyIndex(svc, "calls")
	if j < 0 {
		return c.addCallsKey(key, svc, nextKeyLine(services, i, servicesNext))
	}
	calls := svc.Content[j+1]
	at := fmt.Sprintf("the calls of %s (line %d)", caller, svc.Content[j].Line)
	switch {
	case calls.Kind == yaml.SequenceNode && calls.Style&yaml.FlowStyle != 0:
		if e, ok := c.t.FlowAppend(calls, c.o.Name); ok {
			return e, nil
		}
	case calls.Kind == yaml.SequenceNode && len(calls.Content) > 0:
		last := calls.Content[len(calls.Content)-1]
		if prefix, ok := c.t.SeqItemPrefix(last); ok {
			return c.t.InsertAfter(last.Line, prefix+c.o.Name), nil
		}
	case calls.Kind == yaml.ScalarNode && calls.ShortTag() == "!!null":
		if e, ok := c.t.SetNull(calls, "["+c.o.Name+"]"); ok {
			return e, nil
		}
	}
	return yamledit.Edit{}, cannotEdit(c.o, at+" is neither a [flow] list nor a block list of - items")
}

// addCallsKey gives a caller without calls the key "calls: [NAME]", after
// the last line of its entry (or inside its {flow mapping}).
func (c configEditor) addCallsKey(key, svc *yaml.Node, next int) (yamledit.Edit, error) {
	entry := "calls: [" + c.o.Name + "]"
	if svc.Style&yaml.FlowStyle != 0 {
		if e, ok := c.t.FlowAppend(svc, entry); ok {
			return e, nil
		}
		return yamledit.Edit{}, cannotEdit(c.o, fmt.Sprintf("the entry of %s (line %d) could not be read as a {flow mapping}", key.Value, key.Line))
	}
	if len(svc.Content) == 0 {
		return yamledit.Edit{}, cannotEdit(c.o, "the entry of "+key.Value+" is empty")
	}
	pad := strings.Repeat(" ", svc.Content[0].Column-1)
	return c.t.InsertAfter(c.t.LastLine(key.Line, next, key.Column), pad+entry), nil
}

// serviceLines renders the entry n under the key name as block YAML lines,
// the key indented by keyIndent spaces and its fields by unit more.
func serviceLines(n *yaml.Node, name string, keyIndent, unit int) []string {
	pad := strings.Repeat(" ", keyIndent)
	lines := []string{pad + name + ":"}
	for i := 0; i+1 < len(n.Content); i += 2 {
		lines = append(lines, pad+strings.Repeat(" ", unit)+n.Content[i].Value+": "+inlineValue(n.Content[i+1]))
	}
	return lines
}

// inlineValue renders a scalar, or a list of scalars in flow style.
func inlineValue(v *yaml.Node) string {
	if v.Kind == yaml.SequenceNode {
		items := make([]string, len(v.Content))
		for i, item := range v.Content {
			items[i] = inlineValue(item)
		}
		return "[" + strings.Join(items, ", ") + "]"
	}
	if v.ShortTag() == "!!str" {
		return yamledit.PlainScalar(v.Value)
	}
	return v.Value
}

// nextKeyLine is the line of the key after entry i of mapping m, or outer
// (the line after m itself; 0 for the end of the file).
func nextKeyLine(m *yaml.Node, i, outer int) int {
	if i+2 < len(m.Content) {
		return m.Content[i+2].Line
	}
	return outer
}

// indentUnit is how far the file indents a block mapping under its key,
// going by the first one at the top level; 2 if there is none.
func indentUnit(root *yaml.Node) int {
	for i := 0; i+1 < len(root.Content); i += 2 {
		if v := root.Content[i+1]; v.Kind == yaml.MappingNode && v.Style&yaml.FlowStyle == 0 && len(v.Content) > 0 {
			if d := v.Content[0].Column - root.Content[i].Column; d > 0 {
				return d
			}
		}
	}
	return 2
}

// bodyIndent is how far the existing services indent their fields.
func bodyIndent(services *yaml.Node, fallback int) int {
	for i := 0; i+1 < len(services.Content); i += 2 {
		if v := services.Content[i+1]; v.Kind == yaml.MappingNode && v.Style&yaml.FlowStyle == 0 && len(v.Content) > 0 {
			if d := v.Content[0].Column - services.Content[i].Column; d > 0 {
				return d
			}
		}
	}
	return fallback
}

func isEmptyNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" && n.Value == ""
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
