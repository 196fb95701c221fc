package orchestrator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/compose-spec/compose-go/v2/types"
	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/build"
	"github.com/moby/moby/api/types/jsonstream"
	"github.com/moby/moby/client"
	"golang.org/x/sync/errgroup"

	"github.com/hms-platform/hmsdev/internal/fix"
)

// imageName is the service's image, or Compose's default name for a
// service that only has a build context.
func imageName(p *types.Project, s types.ServiceConfig) string {
	if s.Image != "" {
		return s.Image
	}
	return p.Name + "-" + s.Name
}

// HmsdevImageKey names the hmsdev.yaml key that sets a service's image, so a
// failed pull says what to change: infra parts, sidecars, then services.
func HmsdevImageKey(service string) string {
	switch service {
	case "kuma-cp", "zipkin", "postgres", "kafka", "kong":
		return "infra." + service + ".image"
	}
	if strings.HasSuffix(service, "-sidecar") {
		return "infra.kuma-dp.image"
	}
	return "services." + service + ".image"
}

// ensureImages makes every image the services need present, building
// those with a build context and pulling the rest, in parallel. It returns
// image name -> image ID.
func (e *Engine) ensureImages(ctx context.Context, p *types.Project, services []string, keyOf func(string) string) (map[string]string, error) {
	type job struct {
		image string
		svc   types.ServiceConfig
	}
	jobs := map[string]job{}
	for _, name := range services {
		s := p.Services[name]
		img := imageName(p, s)
		if j, ok := jobs[img]; !ok || (j.svc.Build == nil && s.Build != nil) {
			jobs[img] = job{image: img, svc: s}
		}
	}
	// No shared cancellation: one missing image should not hide the others,
	// so every failure is reported together.
	var g errgroup.Group
	var mu sync.Mutex // guards the three below
	ids := make(map[string]string, len(jobs))
	var errs []error
	var pulls []*pullFailure
	for _, img := range slices.Sorted(maps.Keys(jobs)) {
		j := jobs[img]
		g.Go(func() error {
			id, err := e.imageID(ctx, img)
			if err == nil {
				mu.Lock()
				ids[img] = id
				mu.Unlock()
				return nil
			}
			if !cerrdefs.IsNotFound(err) {
				return fix.Wrap(err, "cannot inspect image "+img, "")
			}
			if j.svc.Build != nil {
				err = e.build(ctx, p, j.svc, img)
			} else {
				err = e.pull(ctx, img, j.svc.Name, keyOf)
			}
			if err != nil {
				mu.Lock()
				if pf, ok := err.(*pullFailure); ok {
					pulls = append(pulls, pf)
				} else {
					errs = append(errs, err)
				}
				mu.Unlock()
				return nil
			}
			id, err = e.imageID(ctx, img)
			if err != nil {
				return fix.Wrap(err, "image "+img+" is still missing after it was built or pulled", "")
			}
			mu.Lock()
			ids[img] = id
			mu.Unlock()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if err := pullFailures(pulls); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return ids, nil
}

// EnsureImages builds or pulls every image the services (none: all) need
// and are missing, so that up fails before it creates anything when an
// image cannot be had.
func (e *Engine) EnsureImages(ctx context.Context, p *types.Project, keyOf func(string) string, services ...string) error {
	plan, err := NewPlan(p)
	if err != nil {
		return err
	}
	names, err := plan.Closure(services...)
	if err != nil {
		return err
	}
	if keyOf == nil {
		keyOf = HmsdevImageKey
	}
	_, err = e.ensureImages(ctx, p, names, keyOf)
	return err
}

func (e *Engine) imageID(ctx context.Context, ref string) (string, error) {
	res, err := e.api.ImageInspect(ctx, ref)
	if err != nil {
		return "", err
	}
	return res.ID, nil
}

// pull pulls with progress; a failure is a *pullFailure naming the image
// and the hmsdev.yaml key that sets it, for pullFailures to report.
func (e *Engine) pull(ctx context.Context, ref, service string, keyOf func(string) string) error {
	done := e.step("image", ref, "pull", "for "+service)
	err := e.pullStream(ctx, ref)
	done(err, "pulled")
	if err == nil || ctx.Err() != nil {
		return err
	}
	key := "the service's image"
	if keyOf != nil {
		key = keyOf(service)
	}
	return &pullFailure{image: ref, service: service, key: key, err: err}
}

func (e *Engine) pullStream(ctx context.Context, ref string) error {
	resp, err := e.api.ImagePull(ctx, ref, client.ImagePullOptions{})
	if err != nil {
		return err
	}
	defer resp.Close()
	for msg, err := range resp.JSONMessages(ctx) {
		if err != nil {
			return err
		}
		if msg.Error != nil {
			return msg.Error
		}
		if msg.Status != "" {
			e.emit(Event{Kind: "image", Service: ref, Action: "pull", State: Working, Detail: strings.TrimSpace(msg.ID + " " + msg.Status)})
		}
	}
	return nil
}

// build sends the context as a tar to the engine's (classic) builder and
// streams its output as progress.
func (e *Engine) build(ctx context.Context, p *types.Project, s types.ServiceConfig, tag string) error {
	done := e.step("image", tag, "build", "for "+s.Name)
	err := e.buildStream(ctx, s, tag)
	done(err, "built")
	if err != nil && ctx.Err() == nil {
		return fix.Wrap(err, fmt.Sprintf("building image %s for service %s from %s failed", tag, s.Name, s.Build.Context),
			"fix the Dockerfile or the build context, then run up again")
	}
	return err
}

func (e *Engine) buildStream(ctx context.Context, s types.ServiceConfig, tag string) error {
	b := s.Build
	dockerfile := b.Dockerfile
	if dockerfile == "" {
		dockerfile = "Dockerfile"
	}
	tarball, err := tarContext(b.Context, dockerfile, b.DockerfileInline)
	if err != nil {
		return err
	}
	if b.DockerfileInline != "" {
		dockerfile = inlineDockerfile
	}
	args := map[string]*string{}
	for k, v := range b.Args {
		args[k] = v
	}
	resp, err := e.api.ImageBuild(ctx, tarball, client.ImageBuildOptions{
		Tags:        []string{tag},
		Dockerfile:  dockerfile,
		BuildArgs:   args,
		Labels:      b.Labels,
		Target:      b.Target,
		NoCache:     b.NoCache,
		Remove:      true,
		ForceRemove: true,
		Version:     build.BuilderV1,
	})
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return e.followBuild(ctx, resp.Body, tag)
}

func (e *Engine) followBuild(ctx context.Context, body io.Reader, tag string) error {
	dec := json.NewDecoder(body)
	for {
		var msg jsonstream.Message
		if err := dec.Decode(&msg); err == io.EOF {
			return nil
		} else if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return err
		}
		if msg.Error != nil {
			return msg.Error
		}
		if line := strings.TrimSpace(msg.Stream); line != "" {
			e.emit(Event{Kind: "image", Service: tag, Action: "build", State: Working, Detail: line})
		}
	}
}
