package app

import (
	"fmt"
	"strconv"
	"strings"

	"appstart/runtime/spec"
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

// checkOnly refuses an --only NAME that is no [programs.NAME] and no instance
// "NAME:N" of one, from the spec alone: run calls it before any stage, so a
// typo changes nothing (first_run, secrets) before it is said. Instances
// counted from a variable are checked again once the stages have set it.
func checkOnly(s *spec.Spec, name string) error {
	if name == "" {
		return nil
	}
	names := make([]string, len(s.Programs))
	for i, p := range s.Programs {
		names[i] = p.Name
	}
	group, num, isInstance := strings.Cut(name, ":")
	for _, p := range s.Programs {
		if p.Name == name {
			return nil
		}
		if !isInstance || p.Name != group {
			continue
		}
		i, err := strconv.Atoi(num)
		if err != nil || i < 1 {
			return fmt.Errorf("--only %s: %q is not an instance number (instances of %s are %s:1, %s:2, ...)", name, num, group, group, group)
		}
		if n, err := strconv.Atoi(p.Instances); err == nil && n == 1 {
			return fmt.Errorf("--only %s: programs.%s runs one instance, named %s", name, group, group)
		} else if err == nil && i > n {
			return fmt.Errorf("--only %s: programs.%s has %d instances", name, group, n)
		}
		return nil
	}
	if len(names) == 0 {
		return fmt.Errorf("--only %s: no such program: the spec has no [programs.NAME] tables", name)
	}
	hint := ""
	if near := spec.Nearest(group, names); near != "" {
		hint = fmt.Sprintf(", did you mean %q?", near)
	}
	return fmt.Errorf("--only %s: no such program%s (programs: %s)", name, hint, strings.Join(names, ", "))
}
