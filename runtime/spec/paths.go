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

// DefaultWritable are the places every read-only Cloudron container may
// write: the one definition of them. A package adds its own persistent
// directories (the manifest's persistentDirs, the spec's writable key);
// Spec.WritableRoots is the whole list, which the stages pass to
// runtime/fsops as the roots below which no link is followed.
var DefaultWritable = []string{"/app/data", "/run", "/tmp"}

// imageDirs are where a writable root may never be: the image's own code
// and the system. A root is refused when it is one of them, under one, or
// holds one ("/app" holds /app/code).
var imageDirs = []string{"/app/code", "/app/pkg", "/etc", "/usr", "/bin", "/sbin", "/lib", "/lib64",
	"/boot", "/proc", "/sys", "/dev", "/var/lib/dpkg"}

// rootMsg explains why p cannot be a writable root, or is "".
func rootMsg(p string) string {
	if msg := absMsg(p); msg != "" {
		return msg
	}
	if strings.HasSuffix(p, "/") && p != "/" {
		return fmt.Sprintf("write the path as %q", strings.TrimSuffix(p, "/"))
	}
	if p == "/" {
		return `"/" would make the whole root writable: list the persistent directories themselves, such as "/app/pgdata"`
	}
	for _, d := range imageDirs {
		if under(p, d) || under(d, p) {
			return fmt.Sprintf("%q overlaps %s, which belongs to the image: a writable directory is a volume of its own, such as \"/app/pgdata\"", p, d)
		}
	}
	return ""
}

// convRoots accepts the spec's writable list.
func convRoots(v any) (any, []issue) {
	return eachString(v, "absolute directories", func(p string, _ []string) string { return rootMsg(p) })
}

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
	if top, _, _ := strings.Cut(strings.TrimPrefix(p, "/app/"), "/"); strings.HasPrefix(p, "/app/") && top != "code" && top != "pkg" {
		// /app/pgdata/x: a persistent directory of the package's own.
		return fmt.Sprintf("%q is on the read-only root: write under /run, /tmp or /app/data, or list %q in CloudronManifest.json's persistentDirs (or the spec's writable) to keep it as a volume of its own",
			p, "/app/"+top)
	}
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

// convWritable accepts a path under one of roots.
func convWritable(v any, roots []string) (any, string) {
	p, msg := convPath(v)
	if msg != "" {
		return nil, msg
	}
	if !under(p.(string), roots...) {
		return nil, onReadOnlyRoot(p.(string))
	}
	return p, ""
}

func convPaths(v any) (any, []issue) {
	return eachString(v, "absolute paths", func(p string, _ []string) string { return absMsg(p) })
}

// convRemove accepts globs under /run and /tmp, and under /app/data below
// a named directory (stale files a package's own code left there); the
// data root itself, and everything on the read-only root, is refused.
func convRemove(v any) (any, []issue) {
	return eachString(v, "globs", func(p string, _ []string) string {
		if msg := absMsg(p); msg != "" {
			return msg
		}
		if !under(p, "/run", "/tmp", "/app/data") || p == "/run" || p == "/tmp" || p == "/app/data" {
			return fmt.Sprintf("%q: remove only takes stale files under /run, /tmp or /app/data (e.g. %q)", p, "/run/app/app.pid")
		}
		if _, err := path.Match(p, ""); err != nil {
			return fmt.Sprintf("%q is not a valid glob: %v (escape a literal [ or * with \\)", p, err)
		}
		if under(p, "/app/data") && !hasLiteral(path.Base(p)) {
			return fmt.Sprintf("%q would remove everything in %s: name the stale files (e.g. %q)", p, path.Dir(p), path.Dir(p)+"/*.pid")
		}
		return ""
	})
}

// hasLiteral reports whether a glob element names something: a character
// outside [...] that is not * or ?. "*.pid" does, "*" and "[a-z]*" do not.
func hasLiteral(elem string) bool {
	for i := 0; i < len(elem); i++ {
		switch elem[i] {
		case '*', '?':
		case '\\':
			return true
		case '[':
			j := strings.IndexByte(elem[i+1:], ']')
			if j < 0 {
				return true
			}
			i += j + 1
		default:
			return true
		}
	}
	return false
}
