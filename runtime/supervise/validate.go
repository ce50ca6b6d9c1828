package supervise

import (
	"appstart/runtime/spec"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// validate reports every problem with the programs, sorted, one per line.
// The spec package checks the TOML; this guards the invariants the state
// machine relies on (a cycle in After would hang the ordered stop).
func validate(programs []Program) error {
	var problems []string
	bad := func(p *Program, format string, args ...any) {
		problems = append(problems, fmt.Sprintf("program %s: ", p.Name)+fmt.Sprintf(format, args...))
	}
	names := map[string]bool{}
	groups := map[string][]*Program{}
	for i := range programs {
		p := &programs[i]
		if p.Name == "" {
			problems = append(problems, fmt.Sprintf("program #%d: no name", i+1))
			continue
		}
		if names[p.Name] {
			bad(p, "name used twice")
		}
		names[p.Name] = true
		groups[p.group()] = append(groups[p.group()], p)
		// spec's values, never a zero value taken for a default.
		if !slices.Contains([]spec.AutoRestart{spec.RestartUnexpected, spec.RestartAlways, spec.RestartNever}, p.AutoRestart) {
			bad(p, "autorestart: %q is not unexpected, always or never", p.AutoRestart)
		}
		if !slices.Contains([]spec.OnUnhealthy{spec.UnhealthyRestart, spec.UnhealthyStop}, p.OnUnhealthy) {
			bad(p, "on_unhealthy: %q is not restart or stop", p.OnUnhealthy)
		}
		if !slices.Contains([]spec.OnFatal{spec.FatalStop, spec.FatalIgnore}, p.OnFatal) {
			bad(p, "on_fatal: %q is not stop or ignore", p.OnFatal)
		}
		if p.StartRetries < 0 {
			bad(p, "startretries: must be >= 0, not %d", p.StartRetries)
		}
		if p.StopWait < 0 || p.StartSecs < 0 || p.ReadyTimeout < 0 {
			bad(p, "durations must not be negative")
		}
		if h := p.Health; h != nil && (h.Probe == nil || h.Interval <= 0 || h.Retries < 1) {
			bad(p, "healthcheck: needs a probe, an interval > 0 and retries >= 1")
		}
	}
	for i := range programs {
		p := &programs[i]
		for _, g := range p.After {
			members, ok := groups[g]
			switch {
			case !ok:
				bad(p, "after: no program or group %q", g)
			case g == p.group():
				bad(p, "after: names its own group %q", g)
			case members[0].Schedule != nil:
				bad(p, "after: %q is scheduled, so it is never ready", g)
			}
		}
	}
	if cycle := findCycle(groups); cycle != nil {
		problems = append(problems, "after: cycle "+strings.Join(cycle, " -> "))
	}
	if problems == nil {
		return nil
	}
	slices.Sort(problems)
	return errors.New("cannot supervise programs:\n\t" + strings.Join(problems, "\n\t"))
}

// findCycle returns a cycle of groups in the After graph, or nil: a
// depth-first search that meets a group still on its stack.
//
//	web after db, db after web -> [db web db]
func findCycle(groups map[string][]*Program) []string {
	const (
		unseen = iota
		onStack
		finished
	)
	mark := map[string]int{}
	var stack []string
	var visit func(g string) []string
	visit = func(g string) []string {
		mark[g] = onStack
		stack = append(stack, g)
		for _, p := range groups[g] {
			for _, dep := range p.After {
				if _, ok := groups[dep]; !ok || dep == g {
					continue // reported by validate
				}
				switch mark[dep] {
				case onStack:
					i := slices.Index(stack, dep)
					return append(slices.Clone(stack[i:]), dep)
				case unseen:
					if c := visit(dep); c != nil {
						return c
					}
				}
			}
		}
		stack = stack[:len(stack)-1]
		mark[g] = finished
		return nil
	}
	keys := make([]string, 0, len(groups))
	for g := range groups {
		keys = append(keys, g)
	}
	slices.Sort(keys)
	for _, g := range keys {
		if mark[g] == unseen {
			if c := visit(g); c != nil {
				return c
			}
		}
	}
	return nil
}
