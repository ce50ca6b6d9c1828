package convert

import (
	"fmt"
	"strings"
)

// order turns supervisord's priority into appstart's after: supervisord
// starts lower priorities first (and stops them last), so each program
// that starts on its own is put after the programs of the nearest lower
// priority; through them it comes after every lower one. Unlike
// supervisord, appstart waits until those are ready (startsecs, or their
// ready probe), which is what the ordering was usually meant to give.
func (cv *converter) order() {
	for _, p := range cv.programs {
		if !p.autostart {
			if p.hasPrio {
				p.afterNote = fmt.Sprintf("priority=%d: not carried: the program does not start on its own", p.priority)
			}
			continue
		}
		best, found := 0, false
		for _, q := range cv.programs {
			if q.autostart && q.priority < p.priority && (!found || q.priority > best) {
				best, found = q.priority, true
			}
		}
		if !found {
			continue
		}
		for _, q := range cv.programs {
			if q.autostart && q.priority == best {
				p.after = append(p.after, q.name)
			}
		}
		p.afterNote = fmt.Sprintf("priority=%d: supervisord started priority %d (%s) first; after also waits until it is ready",
			p.priority, best, strings.Join(p.after, ", "))
	}
}
