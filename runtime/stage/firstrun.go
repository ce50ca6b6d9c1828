package stage

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"appstart/runtime/environ"
	"appstart/runtime/fsops"
	"appstart/runtime/spec"
)

// markerMode: a marker holds no secret, and the app user may read it.
const markerMode = 0o644

// runFirstRun runs [first_run] once per data volume: only when its marker
// is absent, it starts the `needs` programs (Env.Needs returns once they are
// ready; they keep running as normal programs), then runs each command in
// order as its user, skipping one whose `creates` path exists. The marker is
// written crash-safe only after every command succeeded, so a failure or a
// crash half-way runs first_run again on the next start: its commands must be
// safe to repeat, and `creates` helps with that. A failure stops the start
// with the command, how it ended and its last lines of output.
//
//	[first_run]
//	commands = [["/app/pkg/install.sh"], { command = ["php", "artisan", "key:generate"], creates = "/app/data/.key" }]
//	// first start: "first_run 2 ran"; later: "first_run skipped"
func runFirstRun(ctx context.Context, e *Env) error {
	f := e.Spec.FirstRun
	if f == nil {
		return nil
	}
	if exists(f.Marker) {
		e.planf("skipped: %s exists", f.Marker)
		e.report("first_run skipped")
		return nil
	}
	e.planf("would run: %s is absent", f.Marker)
	if !e.mutates() {
		if len(f.Needs) > 0 {
			e.planf("start and wait for %v", f.Needs)
		}
		_, _, err := e.runSteps(ctx, "first_run", f.Commands, nil)
		e.firstRan = true
		return err
	}
	if len(f.Needs) > 0 {
		if e.Needs == nil {
			return fmt.Errorf("cannot start %v for first_run: no program starter in this mode", f.Needs)
		}
		if err := e.Needs(ctx, f.Needs); err != nil {
			return fmt.Errorf("cannot start %v for first_run: %w", f.Needs, err)
		}
	}
	ran, skipped, err := e.runSteps(ctx, "first_run", f.Commands, nil)
	if err != nil {
		return err
	}
	if err := e.writeMarker(f.Marker, f.User, fmt.Sprintf("first_run completed %s\n", e.Now().UTC().Format(time.RFC3339))); err != nil {
		return err
	}
	e.firstRan = true
	e.report("first_run %d ran%s", ran, skippedText(skipped))
	return nil
}

// runSteps runs the steps of first_run or on_upgrade in order, skipping
// those whose when/unless says so or whose `creates` exists, and returns how
// many ran and how many were skipped. In plan mode it only says which would.
func (e *Env) runSteps(ctx context.Context, section string, steps []spec.Step, extra []environ.Var) (int, int, error) {
	ran, skipped := 0, 0
	for i, s := range steps {
		what := fmt.Sprintf("%s command %d", section, i+1)
		if skip, why := e.skip(s.When, s.Unless); skip {
			e.planf("skip %s `%s` (%s)", what, s.Command, why)
			skipped++
			continue
		}
		if s.Creates != "" && exists(s.Creates) {
			e.planf("skip %s `%s` (%s exists)", what, s.Command, s.Creates)
			skipped++
			continue
		}
		if !e.mutates() {
			e.planf("run %s `%s` as %s", what, s.Command, s.User)
			continue
		}
		if err := e.run(ctx, job{what: what, cmd: s.Command, user: s.User, env: s.Environment, extra: extra}); err != nil {
			return ran, skipped, err
		}
		ran++
	}
	return ran, skipped, nil
}

// writeMarker records that a section finished, crash-safe, owned like its
// directory (else by the section's user, who also owns missing parents).
func (e *Env) writeMarker(path, user, content string) error {
	uid, gid, err := e.owner(user)
	if err != nil {
		return fmt.Errorf("cannot write marker %s: %w", path, err)
	}
	// The marker is owned like the data it guards (issue 15): the
	// directory it sits in, when there is one, rather than the section's
	// user (a root install step must not leave a root-owned marker in the
	// app user's volume, nor a cloudron one in postgres' /app/pgdata).
	if fi, err := os.Lstat(filepath.Dir(path)); err == nil && fi.IsDir() {
		st := fi.Sys().(*syscall.Stat_t)
		uid, gid = int(st.Uid), int(st.Gid)
	}
	if _, err := mkParents(path, 0o755, uid, gid); err != nil {
		return fmt.Errorf("cannot write marker %s: %w", path, err)
	}
	return fsops.WriteFileAtomic(path, []byte(content), markerMode, uid, gid)
}

func skippedText(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(" (%d skipped)", n)
}
