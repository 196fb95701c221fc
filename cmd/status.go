package cmd

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/hms-platform/hmsdev/internal/ui"
	"github.com/hms-platform/hmsdev/kuma"
	"github.com/hms-platform/hmsdev/orchestrator"
)

func init() {
	var pf projectFlags
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show the project's containers (state, health, URLs) and its mesh",
		Long: `status lists the project's containers with their state, health and URLs,
then the mesh as the Kuma control plane sees it: its version, the mTLS mode,
each dataplane online or offline, and the policies applied. When the control
plane does not answer, status still lists the containers and says why the
mesh part is missing. With -o json both parts are one JSON document.`,
		Example: `  hmsdev status
  hmsdev status -p hms -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := signalContext()
			defer cancel()
			pr := printer(cmd)
			name, eng, r, err := pf.connectProjectName(ctx, pr)
			if err != nil {
				return err
			}
			defer eng.Close()
			r.Close()
			states, err := eng.Status(ctx, name)
			if err != nil {
				return err
			}
			doc := statusDoc{Project: name, Containers: states}
			doc.Mesh, doc.MeshUnavailable = meshStatus(ctx, states)
			pr.Event(doc)
			printContainers(pr, name, states)
			printMesh(pr, doc.Mesh, doc.MeshUnavailable)
			return nil
		},
	}
	pf.add(cmd)
	rootCmd.AddCommand(cmd)
}

// statusDoc is status (and restart's closing table) as one JSON document.
type statusDoc struct {
	Project    string                        `json:"project"`
	Containers []orchestrator.ContainerState `json:"containers"`
	Mesh       *kuma.Status                  `json:"mesh,omitempty"`
	// MeshUnavailable says why there is no mesh part.
	MeshUnavailable string `json:"mesh_unavailable,omitempty"`
}

// printStatus prints the project's containers: state, health, URLs.
func printStatus(ctx context.Context, pr *ui.Printer, eng *orchestrator.Engine, project string) error {
	states, err := eng.Status(ctx, project)
	if err != nil {
		return err
	}
	pr.Event(statusDoc{Project: project, Containers: states})
	printContainers(pr, project, states)
	return nil
}

func printContainers(pr *ui.Printer, project string, states []orchestrator.ContainerState) {
	byID := map[string]orchestrator.ContainerState{}
	for _, s := range states {
		byID[s.ID] = s
	}
	owners := map[string]bool{}
	for _, s := range states {
		owners[s.NamespaceOf] = true
	}
	rows := make([][]string, 0, len(states))
	for _, s := range states {
		st := ui.OK
		if s.State != "running" || (s.Health != "" && s.Health != "healthy") {
			st = ui.Warn
		}
		// A namespace owner (a sidecar) publishes its app's ports: show them
		// on the app's row, where a user looks for the service.
		var u []string
		if !owners[s.ID] {
			u = append(urls(s), urls(byID[s.NamespaceOf])...)
			slices.Sort(u)
		}
		rows = append(rows, []string{s.Service, pr.Paint(st, stateText(s, true)), strings.Join(u, " ")})
	}
	if len(rows) == 0 {
		pr.Linef("project %s has no containers", project)
		return
	}
	pr.Table([]string{"SERVICE", "STATE", "URL"}, rows)
}

func urls(s orchestrator.ContainerState) []string {
	var out []string
	for _, u := range s.URLs() {
		out = append(out, "http://"+u)
	}
	return out
}

// meshStatus reads the mesh from the project's control plane. Without one
// that answers it returns why instead: status is still worth having then.
func meshStatus(ctx context.Context, states []orchestrator.ContainerState) (*kuma.Status, string) {
	api, why := statusAPI(states)
	if why != "" {
		return nil, why
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	st, err := kuma.MeshStatus(ctx, api, statusMesh())
	if err != nil {
		return nil, fmt.Sprintf("cannot read the mesh from the Kuma control plane at %s: %v", api, err)
	}
	return &st, ""
}

// statusAPI is HMSDEV_KUMA_API, else where the project's kuma-cp container
// publishes its API: read from the running container, so status needs no
// workspace and shows what is, not what hmsdev.yaml says.
func statusAPI(states []orchestrator.ContainerState) (api, why string) {
	if v := os.Getenv(kumaAPIEnvVar); v != "" {
		return v, ""
	}
	for _, s := range states {
		if s.Service != kumaCPService {
			continue
		}
		if s.State != "running" {
			return "", "kuma-cp is " + s.State + " (hmsdev up starts it)"
		}
		for _, p := range s.Ports {
			if p.ContainerPort == kumaAPIPort {
				return "http://" + orchestrator.ContainerState{Ports: []orchestrator.PublishedPort{p}}.URLs()[0], ""
			}
		}
		return "", fmt.Sprintf("kuma-cp's API (container port %d) is not published", kumaAPIPort)
	}
	return "", "the project has no kuma-cp container (hmsdev up starts it)"
}

// statusMesh is the workspace's mesh name, "default" without a workspace.
func statusMesh() string {
	if ws, err := loadWorkspace(global.dir); err == nil && ws.Config.Kuma.Mesh != "" {
		return ws.Config.Kuma.Mesh
	}
	return "default"
}

// printMesh prints the mesh part: the control plane, the dataplanes, the
// policies; or why it is unavailable.
func printMesh(pr *ui.Printer, st *kuma.Status, why string) {
	pr.Linef("")
	if st == nil {
		pr.Linef("%s %s", pr.Paint(ui.Warn, "Mesh unavailable:"), why)
		return
	}
	pr.Linef("%s %s: Kuma %s at %s, mTLS %s", pr.Paint(ui.Heading, "Mesh"), st.Mesh, st.Version, st.API, st.MTLS)
	rows := make([][]string, 0, len(st.Dataplanes))
	for _, dp := range st.Dataplanes {
		state := pr.Paint(ui.OK, "online")
		if !dp.Online {
			state = pr.Paint(ui.Warn, "offline")
		}
		svc := strings.Join(dp.Services, ",")
		if dp.Gateway != "" {
			svc += " (gateway " + strings.ToLower(dp.Gateway) + ")"
		}
		rows = append(rows, []string{dp.Name, svc, state})
	}
	pr.Table([]string{"DATAPLANE", "SERVICE", "STATE"}, rows)
	names := make([]string, 0, len(st.Policies))
	for _, p := range st.Policies {
		names = append(names, p.Type+"/"+p.Name)
	}
	if len(names) == 0 {
		names = []string{"none"}
	}
	pr.Linef("%s %s", pr.Paint(ui.Heading, "Policies:"), strings.Join(names, ", "))
}
