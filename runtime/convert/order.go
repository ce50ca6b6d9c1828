package convert

import (
	"fmt"
	"strings"
)

// order turns supervisord's priority into appstart's after: supervisord
// starts lower priorities first (and stops them last), so each program is
// put after the programs of the nearest lower priority that start on
// their own; through them it comes after every lower one. Unlike
// supervisord, appstart waits until those are ready (startsecs, or their
// ready probe); startTimes says in the note how much later that starts it.
func (cv *converter) order() {
	for _, p := range cv.programs {
		best, found := 0, false
		for _, q := range cv.programs {
			if q.autostart && q.priority < p.priority && (!found || q.priority > best) {
				best, found = q.priority, true
			}
		}
		if !found {
			if !p.autostart && p.hasPrio {
				p.afterNote = fmt.Sprintf("priority=%d: no program that starts on its own has a lower priority: nothing to carry", p.priority)
			}
			continue
		}
		// An autostart=false program gets its after too: supervisord
		// stopped it before the lower priorities (a database client
		// before the database), and after gives that stop order without
		// starting it. The reverse (an autostart program after this one)
		// cannot be written: after would start it with them.
		for _, q := range cv.programs {
			if q.autostart && q.priority == best {
				p.after = append(p.after, q.name)
			}
		}
		if !p.autostart {
			p.afterNote = fmt.Sprintf("priority=%d: supervisord stopped it before priority %d (%s); after keeps that stop order, and when it is started it waits until they are ready",
				p.priority, best, strings.Join(p.after, ", "))
		}
	}
	cv.startTimes()
}

// startTimes says, on each program with after, how much later it starts
// than under supervisord: supervisord spawned every priority in one pass
// without waiting, while after waits until each program before it is
// ready (startsecs when it has no ready probe), so a chain of priorities
// becomes a serial start.
func (cv *converter) startTimes() {
	byName := map[string]*program{}
	for _, p := range cv.programs {
		byName[p.name] = p
	}
	var at func(p *program, depth int) int
	at = func(p *program, depth int) int {
		if depth > len(cv.programs) { // after never cycles here (strictly lower priorities)
			return 0
		}
		t := 0
		for _, a := range p.after {
			if q := byName[a]; q != nil {
				t = max(t, at(q, depth+1)+q.startsecs)
			}
		}
		return t
	}
	for _, p := range cv.programs {
		if !p.autostart || len(p.after) == 0 {
			continue
		}
		p.start = at(p, 0)
		p.afterNote = fmt.Sprintf("priority=%d: supervisord started priority %d (%s) first but did not wait for it; after waits until it is ready,",
			p.priority, cv.byName(p.after[0]).priority, strings.Join(p.after, ", "))
		p.afterNote += fmt.Sprintf("\nso starts are serial: this one starts %ds or more after the first (the startsecs before it, or their ready probes).", p.start) +
			"\nStop order is the reverse, each waiting for the ones after it to stop, as supervisord's priorities did; drop after if it need not wait"
	}
}

func (cv *converter) byName(n string) *program {
	for _, p := range cv.programs {
		if p.name == n {
			return p
		}
	}
	return nil
}
