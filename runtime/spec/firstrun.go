package spec

import (
	"fmt"
	"strings"
)

// FirstRun is the [first_run] table: Commands run in order, once per data
// volume; Marker is written only after all of them succeeded, so a crash
// half-way runs them again on the next start (each must be safe to
// repeat; Creates helps).
//
//	[first_run]
//	commands = [["/app/pkg/install.sh"], { command = ["php", "artisan", "key:generate"], creates = "/app/data/.key" }]
//	needs = ["db"]
//	// FirstRun{Marker: "/app/data/.initialized", User: "cloudron", Needs: []string{"db"},
//	//          Commands: []Step{{Command: Command{Argv: []string{"/app/pkg/install.sh"}}, User: "cloudron"}, ...}}
type FirstRun struct {
	Marker   string // under /run, /tmp or /app/data
	Commands []Step
	// Needs names programs started, and waited for until ready, before
	// the commands run.
	Needs []string
	User  string // default: the top-level user
}

// Step is one command of first_run or on_upgrade, written as an argv array
// or as a table.
type Step struct {
	Command Command
	// Creates, when set, skips the command if that path exists.
	Creates string
	User    string // default: the section's user
	// Environment is added on top of [env] for this command only, as on_start's:
	// an installer may need a variable no program should get (MediaWiki's
	// install.php refuses to run while MW_CONFIG_FILE names an existing file).
	Environment []Pair
	When        Cond
	Unless      Cond
}

func (f *FirstRun) check(c *checker, at string, s *Spec) {
	c.owner(&f.User)
	stepUsers(f.Commands, f.User)
	checkSteps(c, at, f.Commands)
	checkMarker(c, at+".marker", f.Marker, "first_run")
	for i, n := range f.Needs {
		key := indexKey(at+".needs", i+1)
		p := s.Program(n)
		switch {
		case p == nil:
			c.errorf(key, "no program %q%s", n, programHint(n, s))
		case p.Schedule != nil:
			c.errorf(key, "%s is scheduled, so it is never ready to be needed: remove it from needs, or its schedule", n)
		}
	}
}

// checkSteps checks what each step carries beyond its command.
func checkSteps(c *checker, at string, steps []Step) {
	for i, st := range steps {
		c.checkEnvironment(indexKey(at+".commands", i+1)+".environment", st.Environment)
	}
}

// stepUsers gives steps without a user of their own the section's.
func stepUsers(steps []Step, user string) {
	for i := range steps {
		if steps[i].User == "" {
			steps[i].User = user
		}
	}
}

// checkMarker warns about a marker that a restart forgets.
func checkMarker(c *checker, key, marker, section string) {
	if under(marker, "/run", "/tmp") {
		c.warnf(key, "%q is on a tmpfs that is empty at every start, so %s runs on every start: keep it under /app/data", marker, section)
	}
}

// programHint is `, did you mean "web"?` or the list of programs.
func programHint(n string, s *Spec) string {
	names := make([]string, len(s.Programs))
	for i, p := range s.Programs {
		names[i] = p.Name
	}
	if h := didYouMean(n, names); h != "" {
		return h
	}
	if len(names) == 0 {
		return ": the spec has no [programs.NAME] tables"
	}
	return fmt.Sprintf(" (programs: %s)", strings.Join(names, ", "))
}
