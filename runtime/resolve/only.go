package resolve

import (
	"fmt"
	"strconv"
	"strings"

	"appstart/runtime/spec"
)

// onlyProblem refuses an --only NAME that is no [programs.NAME] and no
// instance "NAME:N" of one, from the spec alone, so that run says it before
// any stage changes anything (first_run, secrets). Instances counted from a
// variable are checked again by Bind once the variable is set.
func onlyProblem(s *spec.Spec, name string) string {
	if name == "" {
		return ""
	}
	names := make([]string, len(s.Programs))
	for i, p := range s.Programs {
		names[i] = p.Name
	}
	group, num, isInstance := strings.Cut(name, ":")
	if p := s.Program(name); p != nil {
		return ""
	}
	if p := s.Program(group); p != nil && isInstance {
		i, err := strconv.Atoi(num)
		n, literal := strconv.Atoi(p.Instances)
		switch {
		case err != nil || i < 1:
			return fmt.Sprintf("%q is not an instance number (instances of %s are %s:1, %s:2, ...)", num, group, group, group)
		case literal == nil && n == 1:
			return fmt.Sprintf("programs.%s runs one instance, named %s", group, group)
		case literal == nil && i > n:
			return fmt.Sprintf("programs.%s has %d instances", group, n)
		}
		return ""
	}
	if len(names) == 0 {
		return "no such program: the spec has no [programs.NAME] tables"
	}
	hint := ""
	if near := spec.Nearest(group, names); near != "" {
		hint = fmt.Sprintf(", did you mean %q?", near)
	}
	return fmt.Sprintf("no such program%s (programs: %s)", hint, strings.Join(names, ", "))
}
