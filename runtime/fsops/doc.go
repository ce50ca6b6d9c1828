// Package fsops holds the filesystem operations of the start-up stages,
// written so that a crash at any instant (SIGKILL, OOM kill, power loss)
// never leaves a half-written file under its real name, and so that the
// common restart, where everything is already in place, costs little more
// than reading directories (issue 4).
//
//	// a secret, once: temp file, fsync, rename, fsync of the directory
//	err := fsops.WriteFileAtomic("/app/data/.secret", key, 0o600, 1000, 1000)
//	// seed defaults without touching what the user has
//	st, err := fsops.CopyIfMissing("/app/code/defaults", "/app/data", 1000, 1000)
//	// ownership, touching only what differs, never following symlinks
//	st, err = fsops.Chown("/app/data", 1000, 1000)
//	fmt.Printf("chown %d/%d changed in %s\n", st.Changed, st.Visited, st.Elapsed)
//
// Everything runs as root inside directories the app user can write to
// (/app/data), so nothing here follows a symlink the user could plant:
// files are opened with O_NOFOLLOW, ownership changes use lchown semantics,
// and directory walks go through descriptors opened with
// O_DIRECTORY|O_NOFOLLOW (openat(2)), so a directory swapped for a link
// mid-walk is not entered.
//
// The package imports only the standard library and golang.org/x/sys/unix.
package fsops

import (
	"errors"
	"syscall"
	"time"
)

// Stats says what a tree operation did, for the start-up summary
// ("chown 12/48213 changed in 31ms").
type Stats struct {
	Visited int           // entries examined
	Changed int           // entries whose owner was changed, or that were copied
	Elapsed time.Duration // wall time of the whole call
	// Kept counts the directories left alone, with all they hold, because
	// their identity is in the Keep list (appstart's own /run/appstart).
	Kept int
	// Linked counts the regular files Chown left alone because they have
	// other hard links and another owner (chown.go); LinkedPath is one.
	Linked     int
	LinkedPath string
}

// Add adds the counts of o to st, keeping the first LinkedPath.
func (st *Stats) Add(o Stats) {
	st.Visited += o.Visited
	st.Changed += o.Changed
	st.Elapsed += o.Elapsed
	st.Kept += o.Kept
	st.Linked += o.Linked
	if st.LinkedPath == "" {
		st.LinkedPath = o.LinkedPath
	}
}

// retry repeats fn while it fails with EINTR (signal(7): slow-device calls
// may be interrupted even with SA_RESTART, e.g. on FUSE or NFS).
func retry(fn func() error) error {
	for {
		err := fn()
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}
