package stage

import (
	"os"
	"strings"
	"testing"

	"appstart/runtime/manifest"
)

// TestWorkersManifestMemoryOutsideCgroup: with no cgroup limit (plan on a
// laptop, docker run without --memory) the manifest's memoryLimit is what
// the stage assumes, before workers.unlimited and the machine's memory;
// inside a cgroup the cgroup's limit still wins.
func TestWorkersManifestMemoryOutsideCgroup(t *testing.T) {
	m, err := manifest.Parse([]byte(`{"memoryLimit": 536870912}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		fixture, wantMB, from string
	}{
		{"unlimited-v2", "512", "(no limit; the manifest's memoryLimit)"},
		{"machine", "512", "(no limit; the manifest's memoryLimit)"},
		{"v1", "256", "cgroup v1"},
	} {
		s := parseSpec(t, "[workers]\nper_worker = \"100M\"\n")
		s.Manifest = m
		e := newEnv(t, s)
		e.FS = os.DirFS(cgroupFixture(t, c.fixture))
		if err := runStage(t, e, "workers"); err != nil {
			t.Fatal(err)
		}
		if v, _ := e.Vars.Var("APPSTART_MEMORY_LIMIT_MB"); v.Value != c.wantMB {
			t.Errorf("%s: APPSTART_MEMORY_LIMIT_MB=%q, want %s", c.fixture, v.Value, c.wantMB)
		}
		if got := partsText(e); !strings.Contains(got, c.from) {
			t.Errorf("%s: summary %q, want it to say %q", c.fixture, got, c.from)
		}
	}
}
