package stage

import (
	"context"
	"fmt"
)

// runOnStart runs every [[on_start]] command on every start, in order, each
// as its user (the top-level user unless the entry says otherwise: a
// migration run as root leaves root-owned files behind) in its directory
// with its environment table on top of the composed one, after starting the
// programs its needs names (they stay running). A failure stops the
// start with the command, how it ended and its last lines of output.
//
//	[[on_start]]
//	command = ["php", "artisan", "migrate", "--force"]
//	// "on_start 1 ran"
func runOnStart(ctx context.Context, e *Env) error {
	ran, skipped := 0, 0
	for i, o := range e.Spec.OnStart {
		what := fmt.Sprintf("on_start[%d]", i+1)
		if skip, why := e.skip(o.When, o.Unless); skip {
			e.planf("skip %s `%s` (%s)", what, o.Command, why)
			skipped++
			continue
		}
		if !e.mutates() {
			if len(o.Needs) > 0 {
				e.planf("start and wait for %v", o.Needs)
			}
			e.planf("run %s `%s` as %s", what, o.Command, o.User)
			continue
		}
		// needs: the programs start (and stay running) before the command,
		// as for first_run: a settings tool that talks to the app's server.
		if len(o.Needs) > 0 {
			if e.Needs == nil {
				return fmt.Errorf("cannot start %v for %s: no program starter in this mode", o.Needs, what)
			}
			if err := e.Needs(ctx, o.Needs); err != nil {
				return fmt.Errorf("cannot start %v for %s: %w", o.Needs, what, err)
			}
		}
		err := e.run(ctx, job{what: what, cmd: o.Command, user: o.User, dir: o.Directory, env: o.Environment})
		if err != nil {
			return err
		}
		ran++
	}
	if ran+skipped > 0 {
		e.report("on_start %d ran%s", ran, skippedText(skipped))
	}
	return nil
}
