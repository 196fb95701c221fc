package orchestrator

import (
	"context"
	"sort"
	"strconv"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// projectContainers lists every container carrying project's label,
// running or not, one-off containers left out, grouped by service and
// sorted by container number.
func (e *Engine) projectContainers(ctx context.Context, project string) (map[string][]container.Summary, error) {
	res, err := e.api.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: projectFilter(project)})
	if err != nil {
		return nil, dockerErr(err, "cannot list the containers of project "+project)
	}
	out := map[string][]container.Summary{}
	for _, c := range res.Items {
		if c.Labels[LabelOneoff] == "True" {
			continue
		}
		svc := c.Labels[LabelService]
		out[svc] = append(out[svc], c)
	}
	for _, cs := range out {
		sort.Slice(cs, func(i, j int) bool { return number(cs[i]) < number(cs[j]) })
	}
	return out, nil
}

func number(c container.Summary) int {
	n, _ := strconv.Atoi(c.Labels[LabelNumber])
	return n
}

func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
