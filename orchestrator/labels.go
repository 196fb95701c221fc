package orchestrator

import (
	"sort"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/moby/client"
)

// Docker Compose's labels; with them `docker compose -p NAME ps/logs/down`
// treats hmsdev's containers, networks and volumes as its own.
const (
	LabelProject      = "com.docker.compose.project"
	LabelService      = "com.docker.compose.service"
	LabelNumber       = "com.docker.compose.container-number"
	LabelOneoff       = "com.docker.compose.oneoff"
	LabelConfigHash   = "com.docker.compose.config-hash"
	LabelWorkingDir   = "com.docker.compose.project.working_dir"
	LabelConfigFiles  = "com.docker.compose.project.config_files"
	LabelDependsOn    = "com.docker.compose.depends_on"
	LabelVersion      = "com.docker.compose.version"
	LabelNetwork      = "com.docker.compose.network"
	LabelVolume       = "com.docker.compose.volume"
	LabelImage        = "com.docker.compose.image"
	labelManagedBy    = "dev.hms.managed-by"
	managedByHmsdev   = "hmsdev"
	composeCompatible = "5.6.0" // the Compose release whose labels these mirror
)

// containerLabels are the labels a service's container is created with. They
// are set at create time, so no container of ours ever lacks them.
func containerLabels(p *types.Project, s types.ServiceConfig, deps []Dependency, hash, imageID string) map[string]string {
	l := map[string]string{}
	for k, v := range s.Labels {
		l[k] = v
	}
	for k, v := range s.CustomLabels {
		l[k] = v
	}
	l[LabelProject] = p.Name
	l[LabelService] = s.Name
	l[LabelNumber] = "1"
	l[LabelOneoff] = "False"
	l[LabelConfigHash] = hash
	l[LabelWorkingDir] = p.WorkingDir
	l[LabelConfigFiles] = strings.Join(p.ComposeFiles, ",")
	l[LabelDependsOn] = dependsOnLabel(s, deps)
	l[LabelVersion] = composeCompatible
	l[LabelImage] = imageID
	l[labelManagedBy] = managedByHmsdev
	return l
}

// dependsOnLabel writes Compose's "svc:condition:restart,..." form; down
// reads it back to stop dependents before what they depend on.
func dependsOnLabel(s types.ServiceConfig, deps []Dependency) string {
	parts := make([]string, 0, len(deps))
	for _, d := range deps {
		restart := d.Namespace
		if sd, ok := s.DependsOn[d.Service]; ok {
			restart = restart || sd.Restart
		}
		parts = append(parts, d.Service+":"+d.Condition+":"+strconv.FormatBool(restart))
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

// parseDependsOnLabel returns the services named in a depends_on label.
func parseDependsOnLabel(v string) []string {
	var out []string
	for _, part := range strings.Split(v, ",") {
		if name, _, _ := strings.Cut(part, ":"); name != "" {
			out = append(out, name)
		}
	}
	return out
}

// projectFilter selects what carries project's label, and nothing else.
func projectFilter(project string) client.Filters {
	return client.Filters{}.Add("label", LabelProject+"="+project)
}

// resourceLabels labels a network or volume as the project's.
func resourceLabels(project, key, kindLabel string, extra map[string]string) map[string]string {
	l := map[string]string{}
	for k, v := range extra {
		l[k] = v
	}
	l[LabelProject] = project
	l[kindLabel] = key
	l[LabelVersion] = composeCompatible
	l[labelManagedBy] = managedByHmsdev
	return l
}
