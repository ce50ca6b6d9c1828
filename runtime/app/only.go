package app

import (
	"fmt"
	"strings"

	"appstart/runtime/supervise"
)

// onlyProgram keeps the program (or all instances of the group) NAME for
// `run --only NAME`, without its dependencies and on appstart's own stdio:
// the debug-session way to watch one server in the foreground.
func onlyProgram(progs []supervise.Program, name string) ([]supervise.Program, error) {
	var names []string
	var kept []supervise.Program
	for _, p := range progs {
		names = append(names, p.Name)
		if p.Name == name || p.Group == name {
			p.After = nil
			p.AutoStart = true
			if l, ok := p.Cred.(launch); ok {
				l.prefix = ""
				p.Cred = l
			}
			kept = append(kept, p)
		}
	}
	if len(kept) == 0 {
		return nil, fmt.Errorf("--only %s: no such program (programs: %s)", name, strings.Join(names, ", "))
	}
	return kept, nil
}
