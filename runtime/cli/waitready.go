package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"appstart/runtime/control"
)

// startWait bounds how long `appstart start|restart` waits for readiness;
// the supervisor's own ready_timeout and startretries usually end it sooner.
const startWait = 5 * time.Minute

// startPoll is how often the status is asked while waiting.
const startPoll = 50 * time.Millisecond

// waitStarted returns once every program names selects (a program, an
// instance, a group or "all") is running and ready, or a one-shot is done,
// as supervisorctl's start and restart wait for RUNNING: the operator's next
// command (a curl, a health check) then finds the server answering. For a
// restart (fresh), a program counts only once it entered that state at or
// after asked, so the old process's state is never taken for the new one's.
// A program that gives up (fatal) is an error naming it.
//
//	appstart restart apache   # returns when apache is ready again
//	appstart start broken     # appstart start: broken gave up (exit 3)
func waitStarted(ctx context.Context, c *control.Client, names []string, asked time.Time, fresh bool) error {
	ctx, cancel := context.WithTimeout(ctx, startWait)
	defer cancel()
	tick := time.NewTicker(startPoll)
	defer tick.Stop()
	for {
		ps, err := c.Status(ctx)
		if err != nil {
			return err
		}
		var waiting, failed []string
		for _, p := range ps {
			if !selected(p, names) {
				continue
			}
			switch p.State {
			case "fatal":
				failed = append(failed, fmt.Sprintf("%s gave up (%s)", p.Name, p.LastExit))
			case "running":
				if !p.Ready || (fresh && p.Since.Before(asked)) {
					waiting = append(waiting, p.Name+" is running, not ready yet")
				}
			case "starting", "backoff", "stopping":
				waiting = append(waiting, p.Name+" is "+p.State)
			default:
				// stopped, waiting (a schedule), exited: done when the app
				// counts it OK (a one-shot that ended well, a program
				// between its scheduled runs); a restart passes through
				// stopped on its way to starting.
				if !p.OK {
					waiting = append(waiting, p.Name+" is "+p.State)
				}
			}
		}
		if len(failed) > 0 {
			return fmt.Errorf("%s", strings.Join(failed, "; "))
		}
		if len(waiting) == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("not ready after %s: %s", startWait, strings.Join(waiting, "; "))
		case <-tick.C:
		}
	}
}

// selected reports whether one of names (as the control socket resolves
// them) selects program p.
func selected(p control.ProgramStatus, names []string) bool {
	for _, n := range names {
		if n == allName || n == p.Name || (p.Group != "" && n == p.Group) {
			return true
		}
	}
	return false
}

// allName is supervisorctl's name for every program.
const allName = "all"
