package stage

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"appstart/runtime/fsops"
	"appstart/runtime/spec"
)

// runChown gives each [[chown]] tree its owner with fsops.Chown: lchown
// semantics, one filesystem, and only entries whose owner differs are
// touched, so a restart over a large /app/data that is already right costs
// a walk. An entry nested in another is left out of the outer walk
// (fsops.ChownExcept), so a database subtree owned by postgres is not
// flipped to cloudron and back on every start.
//
//	[[chown]] path = "/app/data"                        // cloudron, except:
//	[[chown]] path = "/app/data/pg", owner = "postgres"
//	// "chown 12/48213 changed in 31ms"
func runChown(_ context.Context, e *Env) error {
	var active []spec.Chown
	for _, c := range e.Spec.Chown {
		if skip, why := e.skip(c.When, c.Unless); skip {
			e.planf("skip %s (%s)", c.Path, why)
			continue
		}
		active = append(active, c)
	}
	if len(active) == 0 {
		return nil
	}
	var total fsops.Stats
	keep := runtimeKeep()
	for _, c := range active {
		if isRuntimeDir(c.Path, keep) {
			e.leaveRuntimeDir("chown", c.Path)
			continue
		}
		uid, gid, err := e.owner(c.Owner)
		if err != nil {
			return fmt.Errorf("cannot chown %s: %w", c.Path, err)
		}
		except := nested(c.Path, active)
		// /run/appstart is skipped by identity; /run itself keeps its owner.
		above := aboveRuntimeDir(c.Path)
		if !e.mutates() {
			if e.DryRun {
				// The run's own walk, changing nothing: the plan counts by
				// the same rules (kept directories, hard links, mounts).
				st, err := fsops.ChownWith(c.Path, uid, gid, fsops.ChownOptions{Except: except, Keep: keep, KeepRoot: above, DryRun: true})
				e.planf("chown %s to %s (%s)%s: %d of %d entries would change%s", c.Path, c.Owner,
					ownerString(uid, gid), exceptText(except), st.Changed, st.Visited, dryRunNote(st, err))
			}
			continue
		}
		st, err := fsops.ChownWith(c.Path, uid, gid, fsops.ChownOptions{Except: except, Keep: keep, KeepRoot: above, Progress: &e.work})
		total.Add(st)
		if err != nil {
			return err
		}
		if above {
			e.logf("chown %s: %s itself and %s keep their owner: %s is appstart's own (control socket, run lock)",
				c.Path, c.Path, spec.RuntimeDir, spec.RuntimeDir)
		}
	}
	if total.Linked > 0 {
		e.logf("chown: left %d file(s) with other hard links alone, e.g. %s: another name may be a file the owner must not get",
			total.Linked, total.LinkedPath)
	}
	if e.mutates() {
		e.report("chown %d/%d changed in %s", total.Changed, total.Visited, roundDuration(total.Elapsed))
	}
	return nil
}

// nested lists the paths of the other entries strictly inside path.
func nested(path string, all []spec.Chown) []string {
	path = filepath.Clean(path)
	var out []string
	for _, c := range all {
		p := filepath.Clean(c.Path)
		if p != path && strings.HasPrefix(p, path+"/") || path == "/" && p != "/" {
			out = append(out, p)
		}
	}
	return out
}

func exceptText(except []string) string {
	if len(except) == 0 {
		return ""
	}
	return " except " + strings.Join(except, ", ")
}

// dryRunNote adds to the plan's chown line what the count leaves out.
func dryRunNote(st fsops.Stats, err error) string {
	var note string
	if st.Linked > 0 {
		note += fmt.Sprintf("; %d file(s) with other hard links would be left alone, e.g. %s", st.Linked, st.LinkedPath)
	}
	if err != nil {
		note += fmt.Sprintf(" (counted until: %v)", err)
	}
	return note
}
