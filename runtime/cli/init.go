package cli

import (
	"fmt"
	"strings"

	"appstart/runtime/app"
	"appstart/runtime/scaffold"
)

func initCmd() command {
	return command{name: "init", summary: "print a starting appstart.toml (--port, --addon mysql,...)", run: initMain}
}

// initMain prints a starting appstart.toml for a package.
func initMain(std app.IO, args []string) int {
	f := newFlags("init", std)
	port := f.Int("port", scaffold.DefaultPort, "the app's HTTP `PORT`")
	var addons []string
	f.Func("addon", "an `ADDON` the package uses (repeatable, or comma-separated): "+strings.Join(scaffold.Addons(), ", "), func(v string) error {
		for _, a := range strings.Split(v, ",") {
			addons = append(addons, strings.TrimSpace(a))
		}
		return nil
	})
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if code, ok := f.args(pos, 0, 0); !ok {
		return code
	}
	out, err := scaffold.Generate(scaffold.Options{Port: *port, Addons: addons})
	if err != nil {
		fmt.Fprintf(std.Stderr, "appstart init: %v\n", err)
		return app.ExitUsage
	}
	_, _ = std.Stdout.Write(out)
	return app.ExitOK
}
