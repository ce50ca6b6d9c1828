package harness

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// DefaultMemoryLimit is the platform's default manifest memoryLimit (RAM+swap).
const DefaultMemoryLimit = 256 << 20

// Unlimited, as Options.MemoryLimit, gives the container no memory limit
// (the platform's debug mode lifts it too).
const Unlimited = -1

// DefaultEnv is the container's environment when Options.Env is nil: what
// Docker gives a container whose image sets nothing.
var DefaultEnv = []string{
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
	"HOME=/root",
}

// Options describe one container. The zero value (plus Argv) is the
// platform's default app container: read-only root, tmpfs /run and /tmp, an
// empty /app/data, 256 MiB of RAM+swap of which half is RAM, a private
// network namespace with only lo.
//
// Example: appstart as PID 1 over a spec and a code directory.
//
//	harness.Options{
//		Argv:     []string{"/app/bin/appstart", "run"},
//		Pkg:      map[string]string{"appstart.toml": spec},
//		Binaries: map[string]string{"/app/bin/appstart": harness.Binary(t)},
//		Mounts:   []harness.Mount{{Source: "../../examples/hello", Target: "/app/code"}},
//	}
type Options struct {
	// Argv is PID 1's command line; Argv[0] is looked up in the container's PATH.
	Argv []string
	// Env is the container's whole environment; nil means DefaultEnv.
	Env []string
	// Dir is PID 1's working directory; "" means "/".
	Dir string

	// Pkg holds files put under /app/pkg (read-only), by path relative to it.
	// Files whose content starts with "#!" are executable.
	Pkg map[string]string
	// PkgDir is a host directory mounted read-only as /app/pkg instead of Pkg.
	PkgDir string
	// DataDir is the host directory bind-mounted as /app/data. Pass the same
	// directory to a second container to simulate a restart over the same
	// volume. New defaults it to t.TempDir(); Launch to a fresh directory it
	// removes on Close.
	DataDir string
	// Binaries maps container paths to host files mounted read-only there,
	// e.g. {"/app/bin/appstart": harness.Binary(t)}.
	Binaries map[string]string
	// Mounts are further host paths mounted into the container.
	Mounts []Mount

	// MemoryLimit is the manifest's memoryLimit: RAM+swap, in bytes; 0 means
	// DefaultMemoryLimit, Unlimited means none.
	MemoryLimit int64
	// RAMLimit is the RAM part of MemoryLimit; 0 means MemoryLimit/2. The
	// platform creates app containers with Docker's Memory = memoryLimit/2
	// and MemorySwap = memoryLimit, so on cgroup v1 memory.limit_in_bytes
	// reads half the manifest value and memory.memsw.limit_in_bytes the whole;
	// on v2 memory.max is RAMLimit and memory.swap.max the rest.
	RAMLimit int64
	// PidsLimit caps the number of tasks (pids.max); 0 means no cap.
	PidsLimit int64

	// UID and GID are the cloudron user's ids inside; 0 means DefaultUID/DefaultGID.
	UID, GID int
	// HostNetwork shares the host's network namespace instead of a private
	// one (for a person running an example and browsing to it).
	HostNetwork bool
	// Writable gives a writable root, as the platform's debug/repair mode
	// does; writes land in a tmpfs overlay, never on the host.
	Writable bool

	// Stdin is PID 1's standard input; nil means /dev/null.
	Stdin io.Reader
	// Stdout and Stderr, when set, receive a live copy of the output (it is
	// captured either way).
	Stdout, Stderr io.Writer

	// StateDir is an empty host directory for the harness's own files (the
	// root mount point, the passwd copy...); "" means a fresh temporary one.
	StateDir string
}

// Mount is a host path mounted into the container. Targets must lie under
// /app (a tmpfs scaffold) or already exist on the host: a mount point is never
// created on the host's own root.
type Mount struct {
	Source   string // host path, file or directory
	Target   string // absolute container path
	Writable bool   // default read-only
}

// resolve applies defaults and checks everything up front, reporting every
// problem at once.
func (o Options) resolve() (Options, error) {
	var errs []string
	bad := func(format string, a ...any) { errs = append(errs, fmt.Sprintf(format, a...)) }

	if len(o.Argv) == 0 || o.Argv[0] == "" {
		bad("Argv is empty")
	} else if strings.Contains(o.Argv[0], "=") {
		// env(1) would read it as one more NAME=VALUE.
		bad("Argv[0] %q contains '='", o.Argv[0])
	}
	if o.Env == nil {
		o.Env = DefaultEnv
	}
	for _, kv := range o.Env {
		if name, _, ok := strings.Cut(kv, "="); !ok || name == "" {
			bad("Env entry %q is not NAME=VALUE", kv)
		}
	}
	if o.Dir == "" {
		o.Dir = "/"
	}
	if !path.IsAbs(o.Dir) {
		bad("Dir %q is not absolute", o.Dir)
	}
	if o.Pkg != nil && o.PkgDir != "" {
		bad("Pkg and PkgDir are both set; use one")
	}
	for rel := range o.Pkg {
		if !isLocalPath(rel) {
			bad("Pkg file %q must be a relative path inside /app/pkg", rel)
		}
	}
	if o.PkgDir != "" {
		checkHostDir(o.PkgDir, "PkgDir", bad)
	}
	if o.DataDir != "" {
		checkHostDir(o.DataDir, "DataDir", bad)
	}

	if o.MemoryLimit == 0 {
		o.MemoryLimit = DefaultMemoryLimit
	}
	switch {
	case o.MemoryLimit < 0 && o.MemoryLimit != Unlimited:
		bad("MemoryLimit %d: use a byte count or harness.Unlimited", o.MemoryLimit)
	case o.MemoryLimit == Unlimited:
		if o.RAMLimit != 0 {
			bad("RAMLimit %d needs a MemoryLimit", o.RAMLimit)
		}
		o.RAMLimit = Unlimited
	case o.RAMLimit == 0:
		o.RAMLimit = o.MemoryLimit / 2
	case o.RAMLimit < 0 || o.RAMLimit > o.MemoryLimit:
		bad("RAMLimit %d must be between 1 and MemoryLimit %d", o.RAMLimit, o.MemoryLimit)
	}
	if o.PidsLimit < 0 {
		bad("PidsLimit %d is negative", o.PidsLimit)
	}
	if o.UID == 0 {
		o.UID = DefaultUID
	}
	if o.GID == 0 {
		o.GID = DefaultGID
	}

	targets := map[string]bool{"/app/data": true, "/app/pkg": true}
	var mounts []Mount
	for _, target := range sortedKeys(o.Binaries) {
		mounts = append(mounts, Mount{Source: o.Binaries[target], Target: target})
	}
	mounts = append(mounts, o.Mounts...)
	for i, m := range mounts {
		// The setup script resolves sources before it leaves the host root,
		// but from its own working directory: make them absolute now.
		if abs, err := filepath.Abs(m.Source); err == nil {
			mounts[i].Source, m.Source = abs, abs
		}
		if _, err := os.Stat(m.Source); err != nil {
			bad("mount source: %v", err)
		}
		if err := checkTarget(m.Target); err != nil {
			bad("mount target %q: %v", m.Target, err)
		}
		if targets[m.Target] {
			bad("mount target %q is used twice", m.Target)
		}
		targets[m.Target] = true
		for _, p := range []string{m.Source, m.Target} {
			if strings.ContainsAny(p, "\t\n") {
				bad("path %q contains a tab or newline", p)
			}
		}
	}
	// Parents before children, so /app/code is mounted before /app/code/x.
	sort.SliceStable(mounts, func(i, j int) bool { return mounts[i].Target < mounts[j].Target })
	o.Mounts, o.Binaries = mounts, nil
	for _, p := range []*string{&o.PkgDir, &o.DataDir, &o.StateDir} {
		if *p == "" {
			continue
		}
		if abs, err := filepath.Abs(*p); err == nil {
			*p = abs
		}
		if strings.ContainsAny(*p, "\t\n") {
			bad("path %q contains a tab or newline", *p)
		}
	}
	if len(errs) > 0 {
		return o, errors.New("invalid harness options: " + strings.Join(errs, "; "))
	}
	return o, nil
}

// checkTarget allows mount targets in the harness's own scaffold (/app) or
// over paths that already exist on the host (and so in the read-only root).
func checkTarget(t string) error {
	if !path.IsAbs(t) || path.Clean(t) != t || t == "/" {
		return errors.New("must be an absolute, clean path other than /")
	}
	for _, owned := range []string{"/app/data", "/app/pkg", "/proc", "/sys", "/dev", "/run", "/tmp"} {
		if t == owned || strings.HasPrefix(t, owned+"/") {
			return fmt.Errorf("lies in %s, which the harness provides", owned)
		}
	}
	if strings.HasPrefix(t, "/app/") {
		return nil
	}
	if _, err := os.Lstat(t); err != nil {
		return errors.New("is outside /app and does not exist on the host (the harness never creates mount points on the host)")
	}
	return nil
}

func checkHostDir(dir, what string, bad func(string, ...any)) {
	if fi, err := os.Stat(dir); err != nil {
		bad("%s: %v", what, err)
	} else if !fi.IsDir() {
		bad("%s %q is not a directory", what, dir)
	}
}

func isLocalPath(p string) bool {
	return p != "" && !path.IsAbs(p) && path.Clean(p) == p && p != ".." && !strings.HasPrefix(p, "../")
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
