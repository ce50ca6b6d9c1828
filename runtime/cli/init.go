package cli

import (
	"fmt"
	"slices"
	"strings"

	"appstart/runtime/app"
	"appstart/runtime/manifest"
	"appstart/runtime/scaffold"
)

func initCmd() command {
	return command{name: "init", summary: "print a starting appstart.toml (--manifest CloudronManifest.json, or --port, --addon mysql,...)", run: initMain}
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
	from := f.String("manifest", "", "start from this CloudronManifest.json `FILE`: its httpPort and addons")
	if _, code, ok := f.parseArgs(args, 0, 0); !ok {
		return code
	}
	opt := scaffold.Options{Port: *port, Addons: addons}
	if *from != "" {
		m, err := manifest.Load(*from)
		if err != nil {
			fmt.Fprintf(std.Stderr, "appstart init: %v\n", err)
			return app.ExitProblems
		}
		opt.Manifest, opt.Port = *from, m.HTTPPort
		known := scaffold.Addons()
		for _, a := range m.AddonNames() {
			if slices.Contains(known, strings.ToLower(a)) {
				opt.Addons = append(opt.Addons, strings.ToLower(a))
			} else {
				fmt.Fprintf(std.Stderr, "appstart init: %s: addon %q has nothing to write in a spec; skipped\n", *from, a)
			}
		}
	}
	out, err := scaffold.Generate(opt)
	if err != nil {
		fmt.Fprintf(std.Stderr, "appstart init: %v\n", err)
		return app.ExitUsage
	}
	_, _ = std.Stdout.Write(out)
	return app.ExitOK
}
