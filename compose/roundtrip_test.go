package compose

import (
	"context"
	"reflect"
	"testing"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
)

// TestComposeFileLoadsBack: the written file is valid for compose-go's
// loader (schema validation on) and means exactly the project Build made,
// so `docker compose` and hmsdev run the same stack and no hidden edge
// (network_mode, links) appears on the way.
func TestComposeFileLoadsBack(t *testing.T) {
	ws := initWorkspace(t)
	mustGenerate(t, ws, Options{})
	built, err := Build(ws)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := loader.LoadWithContext(context.Background(), types.ConfigDetails{
		WorkingDir:  ws.Root(),
		ConfigFiles: []types.ConfigFile{{Filename: ws.ComposeFile()}},
		Environment: types.Mapping{},
	}, func(o *loader.Options) { o.SetProjectName(ws.Config.Project, true) })
	if err != nil {
		t.Fatalf("compose-go cannot load the generated file: %v", err)
	}
	if loaded.Name != built.Name {
		t.Errorf("project name: loaded %q, built %q", loaded.Name, built.Name)
	}
	if len(loaded.Services) != len(built.Services) {
		t.Errorf("services: loaded %v, built %v", loaded.ServiceNames(), built.ServiceNames())
	}
	for name, want := range built.Services {
		got, ok := loaded.Services[name]
		if !ok {
			t.Errorf("service %s missing after load", name)
			continue
		}
		if !reflect.DeepEqual(got.DependsOn, want.DependsOn) {
			t.Errorf("%s depends_on:\nloaded %#v\nbuilt  %#v", name, got.DependsOn, want.DependsOn)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("service %s differs after load:\nloaded %s\nbuilt  %s", name, marshal(got), marshal(want))
		}
	}
	if !reflect.DeepEqual(loaded.Networks, built.Networks) {
		t.Errorf("networks: loaded %#v, built %#v", loaded.Networks, built.Networks)
	}
	if !reflect.DeepEqual(loaded.Volumes, built.Volumes) {
		t.Errorf("volumes: loaded %#v, built %#v", loaded.Volumes, built.Volumes)
	}
}
