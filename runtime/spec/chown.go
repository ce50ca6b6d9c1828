package spec

// Chown is one [[chown]] entry: every entry under Path given Owner,
// touching only those that differ. Later entries may give subtrees other
// owners.
//
//	[[chown]]
//	path = "/app/data"           // Chown{Path: "/app/data", Owner: "cloudron:cloudron"}
//	owner = "cloudron:cloudron"
type Chown struct {
	Path   string // under /run, /tmp or /app/data
	Owner  string // default: the top-level user
	When   Cond
	Unless Cond
}

func (ch *Chown) check(c *checker, at string) {
	c.owner(&ch.Owner)
}
