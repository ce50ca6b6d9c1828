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
// name in front when the lines are from several programs.
//
//	web: GET / 200
func FormatLogLine(w io.Writer, l LogLine, withName bool) error {
	var err error
	if withName {
		_, err = fmt.Fprintf(w, "%s: %s\n", l.Name, l.Text)
	} else {
		_, err = fmt.Fprintln(w, l.Text)
	}
	if err != nil {
		return fmt.Errorf("cannot write log line: %w", err)
	}
	return nil
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
