package stage

import (
	"fmt"
	"strings"
	"time"
)

// Part is what one stage did, in the words of the summary line.
type Part struct {
	Stage   string
	Text    string // "3 dirs", "" when the stage had nothing to do
	Elapsed time.Duration
}

// Summary is the outcome of Run: the parts in stage order and the total
// time. runtime/app appends the programs and prints it once the stages are
// done (issue 4, "The summary").
type Summary struct {
	Parts   []Part
	Elapsed time.Duration
}

// String is the one-line summary:
//
//	ready in 84ms: 3 dirs, 2 secrets (kept), workers=3 from 512MiB cgroup v1,
//	4 templates, chown 12/48213 changed in 31ms, first_run skipped
//
// (one line; wrapped here). Stages with nothing to say are left out.
func (s Summary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "ready in %s", roundDuration(s.Elapsed))
	sep := ": "
	for _, p := range s.Parts {
		if p.Text == "" {
			continue
		}
		b.WriteString(sep)
		b.WriteString(p.Text)
		sep = ", "
	}
	return b.String()
}

// Timings lists how long each stage took, for a debug line:
//
//	env 0.1ms, dirs 0.3ms, seed 2ms, secrets 0.2ms, ...
func (s Summary) Timings() string {
	var b strings.Builder
	last := ""
	for _, p := range s.Parts {
		if p.Stage == last {
			continue
		}
		last = p.Stage
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %s", p.Stage, roundDuration(p.Elapsed))
	}
	return b.String()
}

// roundDuration keeps two or three significant digits: 84ms, 1.2s, 0.3ms.
func roundDuration(d time.Duration) string {
	switch {
	case d >= time.Second:
		return d.Round(100 * time.Millisecond).String()
	case d >= 10*time.Millisecond:
		return d.Round(time.Millisecond).String()
	case d >= time.Millisecond:
		return d.Round(100 * time.Microsecond).String()
	default:
		return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond))
	}
}

// report adds a part of the summary for the running stage.
func (e *Env) report(format string, args ...any) {
	e.parts = append(e.parts, Part{Stage: e.stageName, Text: fmt.Sprintf(format, args...)})
}

func (e *Env) summary(start time.Time) Summary {
	return Summary{Parts: append([]Part(nil), e.parts...), Elapsed: e.Now().Sub(start)}
}

// plural writes "1 dir", "3 dirs".
func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
