package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"appstart/runtime/app"
	"appstart/runtime/control"
	"appstart/runtime/sysx"
)

func logsCmd() command {
	return command{name: "logs", args: "[NAME]", summary: "recent lines of the programs and appstart's own, in time order (-f to follow)", run: logsMain,
		about: "Without NAME, every program's lines and appstart's own (started, exited, gave up), as one\n" +
			"timeline, each line prefixed \"web | \" as in the live stream. NAME is a program, an instance\n" +
			"(worker:2), a group (worker: every instance), or appstart. --since takes a duration (10m)\n" +
			"or a time (2026-12-06T18:00:00Z)."}
}

// tailCmd is supervisorctl's `tail -f web`: logs under another name.
func tailCmd() command {
	c := logsCmd()
	c.name, c.summary = "tail", "the same as logs (supervisorctl's tail -f)"
	c.run = func(std app.IO, args []string) int { return logsAs("tail", std, args) }
	return c
}

func logsMain(std app.IO, args []string) int { return logsAs("logs", std, args) }

func logsAs(cmd string, std app.IO, args []string) int {
	f := newFlags(cmd, std)
	follow := f.Bool("f", false, "keep printing new lines")
	n := f.Int("n", 100, "how many recent `LINES` (with --since: every line since, unless given)")
	var stamps bool
	f.BoolVar(&stamps, "t", false, "show each line's time (RFC 3339, UTC)")
	f.BoolVar(&stamps, "timestamps", false, "the same as -t")
	sinceArg := f.String("since", "", "only lines written since `WHEN`: a duration (10m, 1h30m) or an RFC 3339 time")
	pos, code, ok := f.parseArgs(args, 0, 1)
	if !ok {
		return code
	}
	q := control.LogQuery{N: *n}
	if len(pos) == 1 {
		q.Name = pos[0]
	}
	if *sinceArg != "" {
		t, err := parseSince(*sinceArg, time.Now())
		if err != nil {
			return f.usageError("%v", err)
		}
		q.Since = t
		if !flagGiven(f, "n") {
			q.N = control.MaxLogLines
		}
	}
	if q.N < 0 || q.N > control.MaxLogLines {
		return f.usageError("-n %d is out of range (0-%d)", q.N, control.MaxLogLines)
	}
	c, code := dialControl(std, cmd)
	if c == nil {
		return code
	}
	// Padded, coloured names are for a person at a terminal; a script or
	// grep gets the plain "web | " lines.
	tty := sysx.IsTerminal(std.Stdout)
	format := &control.LogFormat{Names: q.Name == "" || isGroup(c, q.Name), Timestamps: stamps,
		Pad: tty, Color: tty && colorWanted(std.Env)}
	write := func(l control.LogLine) error { return format.Write(std.Stdout, l) }
	if !*follow {
		lines, err := c.Query(context.Background(), q)
		if err != nil {
			fmt.Fprintf(std.Stderr, "appstart %s: %v\n", cmd, err)
			return app.ExitProblems
		}
		for _, l := range lines {
			_ = write(l)
		}
		return app.ExitOK
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	err := c.FollowQuery(ctx, q, write)
	if err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintf(std.Stderr, "appstart %s: %v\n", cmd, err)
		return app.ExitProblems
	}
	return app.ExitOK
}

// isGroup: the lines of a program with instances keep their names (which
// instance wrote each); one program's are bare. An error is the logs
// request's to report.
func isGroup(c *control.Client, name string) bool {
	sts, err := c.Status(context.Background())
	if err != nil {
		return false
	}
	for _, st := range sts {
		if st.Group == name && st.Name != name {
			return true
		}
	}
	return name == "all"
}

// parseSince reads --since: a duration back from now, or an RFC 3339 time
// (docker logs --since takes both).
func parseSince(s string, now time.Time) (time.Time, error) {
	if d, err := time.ParseDuration(s); err == nil {
		if d < 0 {
			return time.Time{}, fmt.Errorf("--since %s: a duration back from now must not be negative", s)
		}
		return now.Add(-d), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("--since %q is neither a duration (10m, 1h30m) nor an RFC 3339 time (2026-12-06T18:00:00Z)", s)
}

func flagGiven(f *flags, name string) bool {
	given := false
	f.Visit(func(fl *flag.Flag) { given = given || fl.Name == name })
	return given
}

// colorWanted honours NO_COLOR (no-color.org) and TERM=dumb.
func colorWanted(env []string) bool {
	for _, kv := range env {
		if k, v, _ := strings.Cut(kv, "="); (k == "NO_COLOR" && v != "") || (k == "TERM" && v == "dumb") {
			return false
		}
	}
	return true
}
