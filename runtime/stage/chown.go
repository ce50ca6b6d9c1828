package stage

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"syscall"
	"time"

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
		if !e.mutates() {
			if e.DryRun {
				st := countOwnerDiffs(c.Path, uid, gid, except)
				e.planf("chown %s to %s (%s)%s: %d of %d entries would change", c.Path, c.Owner,
					ownerString(uid, gid), exceptText(except), st.Changed, st.Visited)
			}
			continue
		}
		// /run/appstart is skipped by identity; /run itself keeps its owner.
		above := aboveRuntimeDir(c.Path)
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

// countOwnerDiffs is the plan's read-only version of the walk: how many
// entries fsops.ChownExcept would change. Like it, it follows no symlink and
// stays on root's filesystem; unreadable parts are not counted.
func countOwnerDiffs(root string, uid, gid int, except []string) fsops.Stats {
	start := time.Now()
	var st fsops.Stats
	skip := map[string]bool{}
	for _, p := range except {
		skip[p] = true
	}
	var dev uint64
	_ = filepath.WalkDir(filepath.Clean(root), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if skip[p] {
			return skipDir(d)
		}
		fi, err := d.Info()
		if err != nil {
			return nil
		}
		s := fi.Sys().(*syscall.Stat_t)
		if p == filepath.Clean(root) {
			dev = s.Dev
		} else if s.Dev != dev {
			return skipDir(d)
		}
		st.Visited++
		if int(s.Uid) != uid || int(s.Gid) != gid {
			st.Changed++
		}
		return nil
	})
	st.Elapsed = time.Since(start)
	return st
}

// skipDir leaves out d and, for a directory, everything under it (SkipDir
// on a file would end the walk of its whole directory).
func skipDir(d fs.DirEntry) error {
	if d.IsDir() {
		return filepath.SkipDir
	}
	return nil
}
