package spec

// OnStart is one [[on_start]] entry, run on every start, in order, after
// first_run and on_upgrade and before the programs.
//
//	[[on_start]]
//	command = ["php", "artisan", "migrate", "--force"]
//	// OnStart{Command: Command{Argv: ...}, User: "cloudron"}
type OnStart struct {
	Command Command
	User    string // default: the top-level user
	// Directory "" is appstart's own working directory.
	Directory   string
	Environment []Pair
	// Needs names programs started, and waited for until ready, before the
	// command runs (a settings tool that talks to the app's own server).
	Needs  []string
	When   Cond
	Unless Cond
}

func (o *OnStart) check(c *checker, at string, s *Spec) {
	c.owner(&o.User)
	c.checkEnvironment(at+".environment", o.Environment)
	checkNeeds(c, at+".needs", o.Needs, s)
}

// checkNeeds refuses a needed program that does not exist or is scheduled
// (never ready to be needed).
func checkNeeds(c *checker, key string, needs []string, s *Spec) {
	for i, n := range needs {
		k := indexKey(key, i+1)
		p := s.Program(n)
		switch {
		case p == nil:
			c.errorf(k, "no program %q%s", n, programHint(n, s))
		case p.Schedule != nil:
			c.errorf(k, "%s is scheduled, so it is never ready to be needed: remove it from needs, or its schedule", n)
		}
	}
}
