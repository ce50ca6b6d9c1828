package stage

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"appstart/runtime/spec"
)

func TestStagesFollowSpecOrder(t *testing.T) {
	var names []string
	for _, s := range Stages() {
		names = append(names, s.Name)
	}
	want := slices.DeleteFunc(slices.Clone(spec.Stages), func(s string) bool { return s == "programs" })
	if !slices.Equal(names, want) {
		t.Fatalf("stages %v, spec.Stages without programs %v", names, want)
	}
}

func TestRunUntilStopsAfterStage(t *testing.T) {
	requireRoot(t)
	dir := t.TempDir()
	s := parseSpec(t, `
[[dirs]]
path = "%s/d"
[workers]
per_worker = "100M"
[[on_start]]
command = ["true"]
`, dir)
	r := &fakeRunner{}
	e := newEnv(t, s)
	e.Runner = r
	sum, err := Run(context.Background(), e, "workers")
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := e.Vars.Lookup("WORKERS"); v != "2" {
		t.Errorf("WORKERS=%q, want 2 (256MiB / 100M)", v)
	}
	if len(r.cmds) != 0 {
		t.Errorf("on_start ran with --until workers: %v", r.argvs())
	}
	var stages []string
	for _, p := range sum.Parts {
		stages = append(stages, p.Stage)
	}
	if !slices.Equal(stages, []string{"env", "dirs", "seed", "secrets", "workers"}) {
		t.Errorf("parts of stages %v", stages)
	}
	// The rest, with until "programs" meaning all.
	if _, err := Run(context.Background(), e, "programs"); err != nil {
		t.Fatal(err)
	}
	if got := r.argvs(); !slices.Equal(got, []string{"true"}) {
		t.Errorf("ran %v, want [true]", got)
	}
}

func TestRunUnknownUntil(t *testing.T) {
	_, err := Run(context.Background(), newEnv(t, parseSpec(t, ``)), "secret")
	if err == nil || !strings.Contains(err.Error(), `no such stage`) || !strings.Contains(err.Error(), "secrets") {
		t.Fatalf("err = %v", err)
	}
}

func TestRunNamesFailingStageAndStops(t *testing.T) {
	dir := t.TempDir()
	s := parseSpec(t, `
[[secrets]]
name = "APP_SECRET"
file = "%s/secret"
[[on_start]]
command = ["true"]
`, dir)
	writeFile(t, dir+"/secret", "")
	r := &fakeRunner{}
	e := newEnv(t, s)
	e.Runner = r
	_, err := Run(context.Background(), e, "")
	if err == nil || !strings.HasPrefix(err.Error(), "secrets: secret APP_SECRET in "+dir+"/secret is empty") {
		t.Fatalf("err = %v", err)
	}
	if len(r.cmds) != 0 {
		t.Errorf("on_start ran after a failed stage")
	}
}

func TestRunStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(errors.New("SIGTERM"))
	_, err := Run(ctx, newEnv(t, parseSpec(t, ``)), "")
	if err == nil || err.Error() != "env: SIGTERM" {
		t.Fatalf("err = %v", err)
	}
}

// A fake clock that advances 10ms per reading proves the timings come from
// the injected clock and the summary format is the one-liner.
func TestSummaryString(t *testing.T) {
	sum := Summary{Elapsed: 84 * time.Millisecond, Parts: []Part{
		{Stage: "env"},
		{Stage: "dirs", Text: "3 dirs"},
		{Stage: "secrets", Text: "2 secrets (kept)"},
		{Stage: "workers", Text: "workers=3 from 512MiB cgroup v1"},
		{Stage: "chown", Text: "chown 12/48213 changed in 31ms"},
		{Stage: "first_run", Text: "first_run skipped"},
	}}
	want := "ready in 84ms: 3 dirs, 2 secrets (kept), workers=3 from 512MiB cgroup v1, chown 12/48213 changed in 31ms, first_run skipped"
	if got := sum.String(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got := (Summary{Elapsed: 1500 * time.Microsecond}).String(); got != "ready in 1.5ms" {
		t.Errorf("got %q", got)
	}
}

func TestRunTimingsUseClock(t *testing.T) {
	now := time.Unix(0, 0)
	e := newEnv(t, parseSpec(t, ``))
	e.Now = func() time.Time { now = now.Add(10 * time.Millisecond); return now }
	sum, err := Run(context.Background(), e, "dirs")
	if err != nil {
		t.Fatal(err)
	}
	// start, then two readings per stage, then the end: 5 ticks apart.
	if sum.Elapsed != 50*time.Millisecond {
		t.Errorf("elapsed %v", sum.Elapsed)
	}
	if got := sum.Timings(); got != "env 10ms, dirs 10ms" {
		t.Errorf("timings %q", got)
	}
}
