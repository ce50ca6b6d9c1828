package cli

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"appstart/runtime/app"
	"appstart/runtime/spec"
)

func writesCmd() command {
	return command{name: "writes", summary: "list files changed outside /run, /tmp and /app/data (what a read-only root refuses)", run: writesMain}
}

// writesSkip are the places a package may write (spec.DefaultWritable; a
// manifest's persistentDirs are volumes, which the walk never enters) and
// those that are not files: what `writes` looks for is everything else,
// which a read-only root refuses.
var writesSkip = append([]string{"/proc", "/sys", "/dev"}, spec.DefaultWritable...)

// writesMain lists files changed outside /run, /tmp and /app/data since the
// container started (or --since ago): the check before an app meets a
// read-only root, replacing `find / -mmin -30`. It stays on the root's
// filesystem, so volumes and /proc-like mounts are never walked.
func writesMain(std app.IO, args []string) int {
	f := newFlags("writes", std)
	since := f.Duration("since", 0, "look back this long (a `DURATION`, e.g. 30m) instead of to the container's start")
	root := f.String("root", "/", "the root `DIR` to walk")
	if _, code, ok := f.parseArgs(args, 0, 0); !ok {
		return code
	}
	cutoff := time.Now().Add(-*since)
	if *since == 0 {
		start, err := containerStart()
		if err != nil {
			fmt.Fprintf(std.Stderr, "appstart writes: cannot tell when the container started (%v); use --since\n", err)
			return app.ExitProblems
		}
		cutoff = start
	}
	found, err := changedSince(*root, cutoff)
	if err != nil {
		fmt.Fprintf(std.Stderr, "appstart writes: %v\n", err)
		return app.ExitProblems
	}
	for _, path := range found {
		fmt.Fprintln(std.Stdout, path)
	}
	fmt.Fprintf(std.Stderr, "appstart writes: %d file(s) changed outside /run, /tmp and /app/data since %s\n", len(found), cutoff.Format(time.RFC3339))
	return app.ExitOK
}

// changedSince walks root on its own filesystem, skipping writesSkip, and
// returns the paths whose contents or inode changed after cutoff (mtime or
// ctime: a chmod or a rename counts too).
func changedSince(root string, cutoff time.Time) ([]string, error) {
	if _, err := os.Lstat(root); err != nil {
		return nil, fmt.Errorf("cannot stat %s: %w", root, err)
	}
	mounts := mountTypes()
	var found []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // unreadable: nothing we can report on
		}
		rel := "/" + strings.TrimPrefix(strings.TrimPrefix(path, root), "/")
		for _, s := range writesSkip {
			if rel == s {
				return fs.SkipDir
			}
		}
		// A mount other than an overlay is a volume, a bind-mounted file
		// (/etc/hosts) or a pseudo filesystem: not the image's root. Decided
		// by mount point, since overlayfs reports a file's st_dev from the
		// layer it lives in.
		if t, ok := mounts[path]; ok && path != root && !isOverlay(t) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil // a directory changes with its entries; list the entries
		}
		var st syscall.Stat_t
		if syscall.Lstat(path, &st) != nil {
			return nil
		}
		if time.Unix(st.Mtim.Unix()).After(cutoff) || time.Unix(st.Ctim.Unix()).After(cutoff) {
			found = append(found, rel)
		}
		return nil
	})
	sort.Strings(found)
	return found, err
}

func isOverlay(fstype string) bool { return strings.Contains(fstype, "overlay") || fstype == "aufs" }

// containerStart is when PID 1 of this PID namespace started: /proc/1/stat's
// starttime (clock ticks after boot) plus the boot time from /proc/stat.
func containerStart() (time.Time, error) {
	stat, err := os.ReadFile("/proc/1/stat")
	if err != nil {
		return time.Time{}, err
	}
	s := string(stat)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(fields) < 20 {
		return time.Time{}, fmt.Errorf("short /proc/1/stat")
	}
	ticks, err := strconv.ParseInt(fields[19], 10, 64)
	if err != nil {
		return time.Time{}, err
	}
	ps, err := os.ReadFile("/proc/stat")
	if err != nil {
		return time.Time{}, err
	}
	for _, line := range strings.Split(string(ps), "\n") {
		if v, ok := strings.CutPrefix(line, "btime "); ok {
			boot, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil {
				return time.Time{}, err
			}
			const hz = 100 // USER_HZ: 100 on every Linux architecture Go supports
			return time.Unix(boot, 0).Add(time.Duration(ticks) * time.Second / hz), nil
		}
	}
	return time.Time{}, fmt.Errorf("no btime in /proc/stat")
}

// mountTypes maps each mount point to its filesystem type, from
// /proc/self/mountinfo (the later of two mounts on one point wins, as it
// hides the other).
func mountTypes() map[string]string {
	m := map[string]string{}
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return m
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		for i, x := range f {
			if x == "-" && i+1 < len(f) && len(f) > 4 {
				m[unescapeMount(f[4])] = f[i+1]
				break
			}
		}
	}
	return m
}

// unescapeMount undoes mountinfo's octal escapes (\040 for a space).
func unescapeMount(s string) string {
	if !strings.Contains(s, "\\") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
