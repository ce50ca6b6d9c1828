package resolve

import (
	"io/fs"
	"os"

	"appstart/runtime/ident"
	"appstart/runtime/manifest"
	"appstart/runtime/sysx"
)

// Facts is what resolution reads of the image and the process. System
// gives the real ones; tests give fixtures.
type Facts struct {
	// Env is the container environment, env files included.
	Env []string
	// User resolves "user[:group]" from the image's passwd and group.
	User func(spec string) (ident.User, error)
	// Stat follows links, as exec(2) does.
	Stat func(path string) (fs.FileInfo, error)
	// ReadFile reads a template source.
	ReadFile func(path string) ([]byte, error)
	// Head returns the first n bytes of a file (a script's #! line).
	Head func(path string, n int) ([]byte, error)
	// Uid is appstart's own uid: a program as root keeps root's groups
	// only when appstart is root.
	Uid int
	// Manifest is the CloudronManifest.json beside the spec, nil when
	// there is none (manifest.go: addon warnings, the main program's
	// probes).
	Manifest *manifest.Manifest
}

// System is the facts of the running image: /etc/passwd and /etc/group,
// the real filesystem, the process's uid.
func System(env []string) Facts {
	return Facts{
		Env: env,
		User: func(spec string) (ident.User, error) {
			return ident.LookupFiles(spec, "/etc/passwd", "/etc/group")
		},
		Stat:     os.Stat,
		ReadFile: sysx.ReadFile,
		Head:     sysx.ReadHead,
		Uid:      os.Getuid(),
	}
}

// exists reports whether path exists per the facts.
func (f Facts) exists(path string) bool {
	_, err := f.Stat(path)
	return err == nil
}
