package spec

import (
	"fmt"
	"io/fs"
)

// Template is one [[templates]] entry: Source rendered with its ##VAR
// placeholders filled (values quoted per Escape) and written to Target on
// every start.
//
//	[[templates]]
//	source = "/app/pkg/config.php.template"  // Template{Source: ..., Target: "/run/app/config.php",
//	target = "/run/app/config.php"           //          Owner: "cloudron", Mode: 0o640,
//	escape = "php"                           //          Escape: EscapePHP}
type Template struct {
	Source string
	Target string // under /run, /tmp or /app/data
	Owner  string // default: the top-level user
	Mode   fs.FileMode
	Escape Escape
	// Optional lists placeholders that may have no value.
	Optional []string
	When     Cond
	Unless   Cond
}

func (t *Template) check(c *checker, at string) {
	c.owner(&t.Owner)
	if t.Source != "" && t.Source == t.Target {
		c.errorf(at+".target", "the same file as source: render to a file under /run, such as %q", onRun(t.Target))
	}
}

func onRun(p string) string {
	if under(p, "/run") {
		return p + ".rendered"
	}
	return "/run/app/" + p[len(parentDir(p)):]
}

func parentDir(p string) string {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '/' {
			return p[:i+1]
		}
	}
	return ""
}

// checkTargets refuses two entries writing one file: a template target, a
// patched file or a secret file each belong to one entry, or one would
// silently undo the other on every start.
func (s *Spec) checkTargets(c *checker) {
	owner := map[string]string{}
	claim := func(key, file, what string) {
		if file == "" {
			return
		}
		if prev, ok := owner[file]; ok {
			c.errorf(key, "%q is already written by %s: %s", file, prev, what)
			return
		}
		owner[file] = parentKey(key)
	}
	for i, sec := range s.Secrets {
		owner[sec.File] = indexKey("secrets", i+1)
	}
	for i, t := range s.Templates {
		claim(indexKey("templates", i+1)+".target", t.Target, "render each file from one template")
	}
	for i, p := range s.Patch {
		claim(indexKey("patch", i+1)+".file", p.File,
			fmt.Sprintf("merge the keys into one [[patch]] of %s", p.File))
	}
}
