package spec

import "io/fs"

// Dir is one [[dirs]] entry, made on every start (dirs live on tmpfs) with
// its owner and mode fixed when it already exists. The top-level remove
// globs belong to the same stage and are cleared first.
//
//	[[dirs]]
//	path = "/run/app/sessions"   // Dir{Path: "/run/app/sessions",
//	owner = "cloudron:cloudron"  //     Owner: "cloudron:cloudron", Mode: 0o750}
//	mode = "0750"
type Dir struct {
	Path   string // under /run, /tmp or /app/data
	Owner  string // default: the top-level user
	Mode   fs.FileMode
	When   Cond
	Unless Cond
}

func (d *Dir) check(c *checker, at string) {
	c.owner(&d.Owner)
}
