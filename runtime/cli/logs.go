package cli

import (
	"context"
	"errors"
	"fmt"
	"os/signal"
	"syscall"

	"appstart/runtime/app"
	"appstart/runtime/control"
)

func logsCmd() command {
	return command{name: "logs", args: "[NAME]", summary: "recent lines of the programs (-f to follow)", run: logsMain,
		about: "Without NAME, every program's lines, each prefixed with its program."}
}

func logsMain(std app.IO, args []string) int {
	f := newFlags("logs", std)
	follow := f.Bool("f", false, "keep printing new lines")
	n := f.Int("n", 100, "how many recent `LINES`")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if code, ok := f.args(pos, 0, 1); !ok {
		return code
	}
	name := ""
	if len(pos) == 1 {
		name = pos[0]
	}
	c, code := dialControl(std, "logs")
	if c == nil {
		return code
	}
	if !*follow {
		lines, err := c.Logs(context.Background(), name, *n)
		if err != nil {
			fmt.Fprintf(std.Stderr, "appstart logs: %v\n", err)
			return app.ExitProblems
		}
		for _, l := range lines {
			_ = control.FormatLogLine(std.Stdout, l, name == "")
		}
		return app.ExitOK
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	err := c.Follow(ctx, name, *n, func(l control.LogLine) error { return control.FormatLogLine(std.Stdout, l, name == "") })
	if err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintf(std.Stderr, "appstart logs: %v\n", err)
		return app.ExitProblems
	}
	return app.ExitOK
}
