package spec

// Task is one [tasks.NAME] table, run by `appstart task NAME` in the
// platform's scheduler container with the environment the programs get.
//
//	[tasks.cron]
//	command = ["php", "artisan", "schedule:run"]
//	// Task{Name: "cron", Command: Command{Argv: ...}, User: "cloudron"}
type Task struct {
	Name    string
	Command Command
	User    string // default: the top-level user
	// Directory "" is appstart's own working directory.
	Directory   string
	Environment []Pair
}

func (t *Task) check(c *checker, at string) {
	c.owner(&t.User)
	c.checkEnvironment(at+".environment", t.Environment)
}
