package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os/signal"
	"syscall"

	"appstart/runtime/control"
	"appstart/runtime/spec"
)

// The commands that talk to a running appstart through its control socket.

func dialControl(std IO, name string) (*control.Client, int) {
	c, err := control.Dial(control.DefaultSocket)
	if err != nil {
		fmt.Fprintf(std.Stderr, "appstart %s: %v\n", name, err)
		return nil, exitProblems
	}
	return c, exitOK
}

func cmdStatus(std IO, args []string) int {
	fs := flag.NewFlagSet("status", flag.ContinueOnError)
	fs.SetOutput(std.Stderr)
	asJSON := fs.Bool("json", false, "print JSON, for scripts")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	c, code := dialControl(std, "status")
	if c == nil {
		return code
	}
	sts, err := c.Status(context.Background())
	if err != nil {
		fmt.Fprintf(std.Stderr, "appstart status: %v\n", err)
		return exitProblems
	}
	if *asJSON {
		err = control.FormatStatusJSON(std.Stdout, sts)
	} else {
		err = control.FormatStatus(std.Stdout, sts)
	}
	if err != nil {
		return exitProblems
	}
	return exitOK
}

// cmdHealth is Docker's HEALTHCHECK: exit 0 only when every program is
// running and healthy, 1 otherwise (not running included).
func cmdHealth(std IO, args []string) int {
	c, code := dialControl(std, "health")
	if c == nil {
		return code
	}
	if err := c.Health(context.Background()); err != nil {
		fmt.Fprintf(std.Stderr, "appstart health: %v\n", err)
		return exitProblems
	}
	return exitOK
}

func cmdControl(verb string) func(IO, []string) int {
	return func(std IO, args []string) int {
		if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
			fmt.Fprintf(std.Stderr, "Usage: appstart %s NAME...\n", verb)
			return exitUsage
		}
		c, code := dialControl(std, verb)
		if c == nil {
			return code
		}
		ctx := context.Background()
		var err error
		switch verb {
		case "start":
			err = c.Start(ctx, args...)
		case "stop":
			err = c.Stop(ctx, args...)
		case "restart":
			err = c.Restart(ctx, args...)
		}
		if err != nil {
			fmt.Fprintf(std.Stderr, "appstart %s: %v\n", verb, err)
			return exitProblems
		}
		return exitOK
	}
}

func cmdSignal(std IO, args []string) int {
	if len(args) != 2 {
		fmt.Fprintln(std.Stderr, "Usage: appstart signal NAME SIGNAL   (e.g. appstart signal web HUP)")
		return exitUsage
	}
	sig, err := spec.ParseSignal(args[1])
	if err != nil {
		fmt.Fprintf(std.Stderr, "appstart signal: %v\n", err)
		return exitUsage
	}
	c, code := dialControl(std, "signal")
	if c == nil {
		return code
	}
	if err := c.Signal(context.Background(), sig, args[0]); err != nil {
		fmt.Fprintf(std.Stderr, "appstart signal: %v\n", err)
		return exitProblems
	}
	return exitOK
}

func cmdLogs(std IO, args []string) int {
	fs := flag.NewFlagSet("logs", flag.ContinueOnError)
	fs.SetOutput(std.Stderr)
	follow := fs.Bool("f", false, "keep printing new lines")
	n := fs.Int("n", 100, "how many recent lines")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	name := fs.Arg(0)
	c, code := dialControl(std, "logs")
	if c == nil {
		return code
	}
	if !*follow {
		lines, err := c.Logs(context.Background(), name, *n)
		if err != nil {
			fmt.Fprintf(std.Stderr, "appstart logs: %v\n", err)
			return exitProblems
		}
		for _, l := range lines {
			_ = control.FormatLogLine(std.Stdout, l, name == "")
		}
		return exitOK
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	err := c.Follow(ctx, name, *n, func(l control.LogLine) error { return control.FormatLogLine(std.Stdout, l, name == "") })
	if err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintf(std.Stderr, "appstart logs: %v\n", err)
		return exitProblems
	}
	return exitOK
}
