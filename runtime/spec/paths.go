package spec

import (
	"fmt"
	"path"
	"strings"
)

// absMsg checks that p is an absolute, clean path with no ${VAR}.
func absMsg(p string) string {
	switch {
	case p == "":
		return "empty path: write an absolute path"
	case strings.Contains(p, "${"):
		return fmt.Sprintf("%q: paths are not expanded: write the path itself", p)
	case !strings.HasPrefix(p, "/"):
		rel := strings.TrimPrefix(p, "./")
		top, _, _ := strings.Cut(rel, "/")
		switch top {
		case "app", "run", "tmp", "etc", "var", "usr", "opt", "home", "srv":
			return fmt.Sprintf("%q is relative: write %q", p, "/"+rel)
		}
		return fmt.Sprintf("%q is relative: write an absolute path, starting with /", p)
	}
	clean := path.Clean(p)
	if strings.HasSuffix(p, "/") && clean != "/" {
		clean += "/"
	}
	if clean != p {
		return fmt.Sprintf("write the path as %q", clean)
	}
	return ""
}

func convPath(v any) (any, string) {
	s, msg := toString(v, `an absolute path such as "/app/data/x"`)
	if msg != "" {
		return nil, msg
	}
	if msg := absMsg(s); msg != "" {
		return nil, msg
	}
	return s, ""
}

// writable are the places a read-only Cloudron container may write.
var writable = []string{"/run", "/tmp", "/app/data"}

func under(p string, tops ...string) bool {
	for _, t := range tops {
		if p == t || strings.HasPrefix(p, t+"/") {
			return true
		}
	}
	return false
}

// onReadOnlyRoot explains why p cannot be written and where to put it:
// /etc/app/config.php -> /run/app/config.php.
func onReadOnlyRoot(p string) string {
	rest := strings.TrimPrefix(p, "/")
	if _, after, ok := strings.Cut(rest, "/"); ok {
		rest = after
	}
	if rest == "" {
		return fmt.Sprintf("%q is on the read-only root: write a path under /run, /tmp or /app/data", p)
	}
	return fmt.Sprintf("%q is on the read-only root: write under /run, /tmp or /app/data (e.g. %q), and symlink it from the image at build time",
		p, "/run/"+rest)
}

func convWritable(v any) (any, string) {
	p, msg := convPath(v)
	if msg != "" {
		return nil, msg
	}
	if !under(p.(string), writable...) {
		return nil, onReadOnlyRoot(p.(string))
	}
	return p, ""
}

func convPaths(v any) (any, []issue) {
	return eachString(v, "absolute paths", func(p string, _ []string) string { return absMsg(p) })
}

// convRemove accepts globs under /run and /tmp only: everything else
// either is the user's data or cannot be written.
func convRemove(v any) (any, []issue) {
	return eachString(v, "globs", func(p string, _ []string) string {
		if msg := absMsg(p); msg != "" {
			return msg
		}
		if !under(p, "/run", "/tmp") || p == "/run" || p == "/tmp" {
			return fmt.Sprintf("%q: remove only takes stale files under /run or /tmp (e.g. %q); data under /app/data is never removed", p, "/run/app/app.pid")
		}
		if _, err := path.Match(p, ""); err != nil {
			return fmt.Sprintf("%q is not a valid glob: %v (escape a literal [ or * with \\)", p, err)
		}
		return ""
	})
}
