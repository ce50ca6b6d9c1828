package stage

import (
	"os"
	"strings"
	"testing"

	"appstart/runtime/cgroup"
)

func TestWorkers(t *testing.T) {
	for _, c := range []struct {
		name, fixture, table string
		want                 map[string]string
		summary              string
	}{
		{
			// The platform's v1 split: RAM limit half of memsw.
			name: "v1", fixture: "v1", table: "[workers]\nper_worker = \"100M\"\nmax = 8\n",
			want: map[string]string{"WORKERS": "2", "APPSTART_MEMORY_LIMIT": "268435456",
				"APPSTART_MEMORY_LIMIT_MB": "256", "APPSTART_MEMORY_SWAP_LIMIT_MB": "512"},
			summary: "workers=2 from 256MiB cgroup v1",
		},
		{
			name: "unlimited uses the spec's size", fixture: "unlimited-v2", table: "[workers]\nname = \"N\"\nper_worker = \"150M\"\n",
			want:    map[string]string{"N": "13", "APPSTART_MEMORY_LIMIT_MB": "2048", "APPSTART_MEMORY_SWAP_LIMIT_MB": "2048"},
			summary: "workers=13 from 2GiB (no limit; workers.unlimited)",
		},
		{
			// Without a [workers] table there is no `unlimited`: the machine's.
			name: "no table, no limit: the machine", fixture: "machine", table: "",
			want:    map[string]string{"APPSTART_MEMORY_LIMIT_MB": "24105", "APPSTART_MEMORY_SWAP_LIMIT_MB": "24105"},
			summary: "",
		},
		{
			name: "no table still exports the limit", fixture: "v1", table: "",
			want:    map[string]string{"APPSTART_MEMORY_LIMIT_MB": "256"},
			summary: "",
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, parseSpec(t, "%s", c.table))
			e.FS = os.DirFS(cgroupFixture(t, c.fixture))
			if err := runStage(t, e, "workers"); err != nil {
				t.Fatal(err)
			}
			for k, want := range c.want {
				v, _ := e.Vars.Var(k)
				if v.Value != want || v.Source.String() != "workers" {
					t.Errorf("%s=%q (%v), want %q", k, v.Value, v.Source, want)
				}
			}
			if got := partsText(e); got != c.summary {
				t.Errorf("summary %q, want %q", got, c.summary)
			}
		})
	}
}

func TestWorkersPlanSaysWhereTheLimitCameFrom(t *testing.T) {
	e := newEnv(t, parseSpec(t, "[workers]\nper_worker = \"100M\"\n"))
	var plan []string
	e.DryRun, e.Plan = true, func(l string) { plan = append(plan, l) }
	if err := runStage(t, e, "workers"); err != nil {
		t.Fatal(err)
	}
	text := strings.Join(plan, "\n")
	for _, want := range []string{
		"workers: memory limit 256MiB from cgroup v1, read at /sys/fs/cgroup/memory/memory.limit_in_bytes; with swap 512MiB",
		"workers: WORKERS=2",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("plan lacks %q:\n%s", want, text)
		}
	}
}

// A start hands the stage the limit it read ahead (Env.Memory): that one
// is used, and FS is not read for it.
func TestWorkersTakesTheLimitReadAhead(t *testing.T) {
	e := newEnv(t, parseSpec(t, "[workers]\nper_worker = \"100M\"\nmax = 8\n"))
	e.FS = os.DirFS(t.TempDir()) // no cgroup here: a read would find no limit
	e.Memory = func() (cgroup.Memory, error) {
		return cgroup.Memory{Limit: 512 << 20, SwapLimit: 1 << 30, Version: 2, Source: "/sys/fs/cgroup/memory.max"}, nil
	}
	if err := runStage(t, e, "workers"); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"WORKERS": "5", "APPSTART_MEMORY_LIMIT_MB": "512", "APPSTART_MEMORY_SWAP_LIMIT_MB": "1024"} {
		if v, _ := e.Vars.Var(k); v.Value != want {
			t.Errorf("%s=%q, want %q", k, v.Value, want)
		}
	}
}
