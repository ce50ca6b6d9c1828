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
	When        Cond
	Unless      Cond
}

func (o *OnStart) check(c *checker, at string) {
	c.owner(&o.User)
	c.checkEnvironment(at+".environment", o.Environment)
}
