package control

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// FormatStatus writes the table of `appstart status`, in the manner of
// supervisorctl status. STATE carries the health when there is a check;
// UPTIME is shown for running programs only.
//
//	NAME   STATE               PID  UPTIME  RESTARTS  LAST-EXIT
//	mysql  running             41   1h02m   0         -
//	web:1  running (healthy)   42   4m05s   2         exit 1
//	cron   backoff             -    -       5         signal 9 (killed)
func FormatStatus(w io.Writer, ps []ProgramStatus) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tSTATE\tPID\tUPTIME\tRESTARTS\tLAST-EXIT")
	for _, p := range ps {
		pid, up, last := "-", "-", "-"
		if p.Pid > 0 {
			pid = strconv.Itoa(p.Pid)
		}
		if p.State == "running" {
			up = FormatUptime(time.Duration(p.UptimeSeconds) * time.Second)
		}
		if p.LastExit != "" {
			last = p.LastExit
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", p.Name, stateText(p), pid, up, p.Restarts, last)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("cannot write status: %w", err)
	}
	return nil
}

func stateText(p ProgramStatus) string {
	var notes []string
	if p.State == "running" && !p.Ready {
		notes = append(notes, "not ready")
	}
	if p.Health != "" && p.Health != "none" {
		notes = append(notes, p.Health)
	}
	if len(notes) == 0 {
		return p.State
	}
	return p.State + " (" + strings.Join(notes, ", ") + ")"
}

// FormatUptime is a short, fixed-precision duration: 42s, 4m05s, 3h07m,
// 2d04h.
func FormatUptime(d time.Duration) string {
	s := int64(d / time.Second)
	switch {
	case s < 0:
		return "0s"
	case s < 60:
		return fmt.Sprintf("%ds", s)
	case s < 3600:
		return fmt.Sprintf("%dm%02ds", s/60, s%60)
	case s < 86400:
		return fmt.Sprintf("%dh%02dm", s/3600, s%3600/60)
	}
	return fmt.Sprintf("%dd%02dh", s/86400, s%86400/3600)
}

// statusJSON is the document of `appstart status --json`.
type statusJSON struct {
	Healthy  bool            `json:"healthy"`
	Self     *SelfStatus     `json:"self,omitempty"`
	Programs []ProgramStatus `json:"programs"`
}

// FormatStatusJSON writes `appstart status --json`: one object, for jq.
// appstart's own facts (ProgramStatus.Self) move to the top-level "self".
//
//	{"healthy": true, "self": {"pid": 1, "goroutines": 14, "fds": 11, ...},
//	 "programs": [{"name": "web", "state": "running", "pid": 42, ...}]}
func FormatStatusJSON(w io.Writer, ps []ProgramStatus) error {
	doc := statusJSON{Healthy: Healthy(ps) == nil, Programs: make([]ProgramStatus, len(ps))}
	for i, p := range ps {
		if p.Self != nil && doc.Self == nil {
			doc.Self = p.Self
		}
		p.Self = nil
		doc.Programs[i] = p
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("cannot write status: %w", err)
	}
	return nil
}

// FormatLogLine writes one line of `appstart logs`: with the program's
// name in front, in the live stream's style, when the lines are from
// several programs.
//
//	web | GET / 200
func FormatLogLine(w io.Writer, l LogLine, withName bool) error {
	return (&LogFormat{Names: withName}).Write(w, l)
}

// LogFormat is how `appstart logs` writes lines: the prefix of the live
// stream ("web | "), the time in front with Timestamps, and on a terminal
// (never in a pipe) names padded to one width and coloured.
//
//	f := LogFormat{Names: true, Timestamps: true}
//	f.Write(os.Stdout, l) // 2026-12-06T18:39:08.123Z web | GET / 200
type LogFormat struct {
	Names      bool
	Timestamps bool
	// Pad grows the name column to the widest name seen so far; Color
	// gives each name a colour of its own (appstart's own lines are dim).
	Pad, Color bool
	width      int
}

// TimestampLayout is the time of `logs -t`: RFC 3339 in UTC with
// milliseconds, one fixed width.
const TimestampLayout = "2006-01-02T15:04:05.000Z07:00"

// colors are ANSI foreground colours for the names (no red: it reads as
// an error).
var colors = []string{"36", "32", "33", "34", "35", "96", "92", "93", "94", "95"}

// Write writes l as one line.
func (f *LogFormat) Write(w io.Writer, l LogLine) error {
	var b []byte
	if f.Timestamps {
		if l.Time.IsZero() {
			b = append(b, strings.Repeat("-", len(TimestampLayout)-5)...)
		} else {
			b = l.Time.UTC().AppendFormat(b, TimestampLayout)
		}
		b = append(b, ' ')
	}
	if f.Names {
		name := l.Name
		if f.Pad {
			f.width = max(f.width, len(name))
			name += strings.Repeat(" ", f.width-len(name))
		}
		if f.Color {
			b = append(b, "\x1b["+colorOf(l.Name)+"m"+name+" |\x1b[0m "...)
		} else {
			b = append(b, name+" | "...)
		}
	}
	b = append(append(b, l.Text...), '\n')
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("cannot write log line: %w", err)
	}
	return nil
}

func colorOf(name string) string {
	if name == "appstart" {
		return "2" // dim
	}
	group, _, _ := strings.Cut(name, ":") // instances of a group share one
	h := uint32(2166136261)
	for i := 0; i < len(group); i++ {
		h = (h ^ uint32(group[i])) * 16777619
	}
	return colors[h%uint32(len(colors))]
}

// Healthy returns nil when every program is OK, else an error naming each
// one that is not and why: the verdict of `appstart health`.
//
//	Healthy(ps) // not healthy: web is running (unhealthy); worker is backoff
func Healthy(ps []ProgramStatus) error {
	var bad []string
	for _, p := range ps {
		if !p.OK {
			bad = append(bad, p.Name+" is "+stateText(p))
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return fmt.Errorf("not healthy: %s", strings.Join(bad, "; "))
}
