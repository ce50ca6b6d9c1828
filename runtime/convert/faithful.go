package convert

import "fmt"

// finish writes what depends on the whole configuration rather than on
// one key: how a FATAL program affects the others, and where stderr goes.
func (cv *converter) finish() {
	several := len(cv.programs) > 1
	for _, p := range cv.programs {
		several = several || p.multi
	}
	for _, p := range cv.programs {
		if p.redirect {
			if several {
				p.note("redirect_stderr=true: nothing to write: with several programs appstart already sends each one's stderr down the same pipe as its stdout, in order, prefixed, to its own stdout")
			} else {
				p.note("redirect_stderr=true: not carried: a program alone keeps appstart's stdio, so its stderr goes to appstart's stderr (both reach the container log, but as two streams)")
			}
		}
		if !several {
			p.note("supervisord stayed up with nothing running when this program went FATAL (startretries used up);\n" +
				"appstart exits instead (on_fatal = \"stop\", the default), so the platform restarts the container")
			continue
		}
		p.set("on_fatal", quote("ignore"), fmt.Sprintf("supervisord kept the other programs running when %s went FATAL (startretries used up): so does this;", p.orig),
			`on_fatal = "stop" (appstart's default) would stop the container instead, so the platform restarts it`)
	}
}
