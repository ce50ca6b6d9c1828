package spec

import "io/fs"

// Seed is one [[seed]] entry: copy From (a file or tree in the image) to
// To, only where the destination is missing, never overwriting.
//
//	[[seed]]
//	from = "/app/code/config.default/"  // Seed{From: "/app/code/config.default/",
//	to = "/app/data/config/"            //      To: "/app/data/config/", Owner: "cloudron"}
type Seed struct {
	From  string
	To    string // under /run, /tmp or /app/data
	Owner string // default: the top-level user
	// Mode of the copied files; 0 keeps each file's mode from the image.
	Mode   fs.FileMode
	When   Cond
	Unless Cond
}

func (sd *Seed) check(c *checker, at string) {
	c.owner(&sd.Owner)
	if under(sd.From, c.roots...) && under(sd.To, sd.From) {
		c.errorf(at+".to", "%q is inside from (%q): the copy would copy itself; seed from the image", sd.To, sd.From)
	}
}
