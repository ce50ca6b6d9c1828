package fsops

import (
	"fmt"
	"os"
	"slices"

	"golang.org/x/sys/unix"
)

// FileID is a file's identity, st_dev and st_ino: the same for every path
// that reaches the file, be it a bind mount or a path through a symlink.
type FileID struct{ Dev, Ino uint64 }

// IDOf returns the identity of the file at path, following symbolic links
// (the identity wanted is the file's, however it is reached).
//
//	id, err := IDOf("/run/appstart") // FileID{Dev: 0x19, Ino: 4711}
func IDOf(path string) (FileID, error) {
	var st unix.Stat_t
	if err := retry(func() error { return unix.Stat(path, &st) }); err != nil {
		return FileID{}, fmt.Errorf("cannot stat %s: %w", path, os.NewSyscallError("stat", err))
	}
	return idOf(&st), nil
}

func idOf(st *unix.Stat_t) FileID { return FileID{Dev: st.Dev, Ino: st.Ino} }

// kept reports whether st is one of the directories in keep: tree walks
// neither change nor enter them. appstart keeps its own runtime directory
// (control socket, run lock) out of `[[chown]] path = "/run"` this way.
func kept(keep []FileID, st *unix.Stat_t) bool {
	return len(keep) > 0 && slices.Contains(keep, idOf(st))
}
