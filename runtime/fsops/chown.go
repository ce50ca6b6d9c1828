package fsops

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// Chown gives root and everything under it the owner uid:gid (-1 leaves
// that id as it is), like `chown -R -P` but:
//
//   - it never follows a symlink: links are lchown'ed themselves, and
//     directories are entered through openat(O_DIRECTORY|O_NOFOLLOW) on the
//     parent's descriptor, so a link planted by the app user (say to
//     /etc/shadow), or a directory swapped for one mid-walk, leads nowhere;
//   - it never leaves the filesystem root is on (st_dev differs below a
//     mount point; the mount point itself is left alone too);
//   - it changes only entries whose owner differs, so a restart over a
//     large tree that is already right costs a directory walk: one
//     getdents64 per ~1000 entries, one statx per non-directory, one
//     openat+fstat per directory, and no writes (`chown -R` rewrites every
//     inode's ctime: ~30 MB of inode blocks to write back per 100k
//     entries on ext4);
//   - the walk is shared by up to chownWorkers goroutines (chown_pool.go):
//     sibling directories, and the parts of one big directory, are walked
//     at once, so both cores work and, from a cold cache, many inode reads
//     are in flight together.
//
// A regular file with other hard links is left alone unless it already has
// the owner (Stats.Linked counts them): it may be a link the app user made
// to a root-owned file elsewhere on the filesystem, and chowning it would
// hand that file over. fs.protected_hardlinks=1 (the default since Linux
// 3.6) already stops the user from making one; this holds where it is 0.
//
//	st, err := Chown("/app/data", 1000, 1000)
//	// st = Stats{Visited: 48213, Changed: 12, Elapsed: 31ms}
//	// error example: "cannot chown /app/data/x: fchownat: read-only file system"
func Chown(root string, uid, gid int) (Stats, error) {
	return ChownExcept(root, uid, gid, nil)
}

// ChownExcept is [Chown] leaving alone the subtrees at the paths in except
// (absolute or relative like root, compared after filepath.Clean), so that
// several [[chown]] entries can give subtrees other owners without the
// outer walk flipping them back and forth on every start:
//
//	ChownExcept("/app/data", 1000, 1000, []string{"/app/data/postgres"})
//	Chown("/app/data/postgres", 104, 107)
func ChownExcept(root string, uid, gid int, except []string) (Stats, error) {
	return ChownWith(root, uid, gid, ChownOptions{Except: except})
}

// ChownOptions are what [ChownWith] leaves alone.
type ChownOptions struct {
	// Except are subtrees by path (see ChownExcept).
	Except []string
	// Keep are directories by identity, left alone with everything in them
	// wherever the walk meets them: through a bind mount, or as root itself.
	Keep []FileID
	// KeepRoot leaves root itself as it is and changes what is under it:
	// for a parent of a kept directory, since whoever owns the parent can
	// rename the kept directory away and put another in its place.
	KeepRoot bool
	// Progress, when set, has the entries visited added to it as the walk
	// goes (once per directory): a progress line can read it meanwhile.
	Progress *atomic.Int64
	// DryRun changes nothing: Stats.Changed counts what the same walk
	// would change (the plan's figure, by the run's own rules).
	DryRun bool
}

// ChownWith is [Chown] with the exceptions of o:
//
//	id, _ := IDOf("/run/appstart")
//	st, err := ChownWith("/run", 1000, 1000, ChownOptions{Keep: []FileID{id}})
//	// /run/appstart and its socket and lock keep root; st.Kept == 1
func ChownWith(root string, uid, gid int, o ChownOptions) (Stats, error) {
	start := time.Now()
	w := chowner{uid: uid, gid: gid, buf: make([]byte, direntBufSize), keep: o.Keep, keepRoot: o.KeepRoot, progress: o.Progress, dryRun: o.DryRun}
	if len(o.Except) > 0 {
		w.except = map[string]bool{}
		for _, e := range o.Except {
			w.except[filepath.Clean(e)] = true
		}
	}
	root = filepath.Clean(root)
	err := w.root(root)
	w.report()
	w.stats.Elapsed = time.Since(start)
	return w.stats, err
}

type chowner struct {
	uid, gid int
	dev      uint64
	except   map[string]bool
	keep     []FileID
	keepRoot bool
	buf      []byte
	stats    Stats
	progress *atomic.Int64
	reported int        // Visited as last added to progress
	pool     *chownPool // the walk's shared queue, or nil: walk alone (chown_pool.go)
	dryRun   bool
}

// report adds the entries visited since the last report to progress.
func (w *chowner) report() {
	if w.progress != nil {
		w.progress.Add(int64(w.stats.Visited - w.reported))
		w.reported = w.stats.Visited
	}
}

func (w *chowner) needs(st *unix.Stat_t) bool {
	return (w.uid != -1 && st.Uid != uint32(w.uid)) || (w.gid != -1 && st.Gid != uint32(w.gid))
}

func (w *chowner) root(root string) error {
	if w.except[root] {
		return nil
	}
	// The root's own parents are opened without following links too, so a
	// planted /app/data/cfg -> /etc cannot turn chown of /app/data/cfg/ssl
	// into a chown of /etc/ssl (OpenDirNoFollow).
	root = filepath.Clean(root)
	parent, name := filepath.Dir(root), filepath.Base(root)
	pfd, err := OpenDirNoFollow(parent)
	if err != nil {
		return fmt.Errorf("cannot chown %s: %w", root, err)
	}
	defer unix.Close(pfd)
	if root == "/" {
		name = "."
	}
	fd, err := openDirAt(pfd, name)
	if errors.Is(err, unix.ENOTDIR) || errors.Is(err, unix.ELOOP) {
		// A file, or a symlink (ELOOP from O_NOFOLLOW): that entry alone.
		var st unix.Stat_t
		if err := retry(func() error { return unix.Fstatat(pfd, name, &st, unix.AT_SYMLINK_NOFOLLOW) }); err != nil {
			return fmt.Errorf("cannot chown %s: %w", root, os.NewSyscallError("lstat", err))
		}
		w.dev = st.Dev
		return w.entry(pfd, name, parent, &st)
	}
	if err != nil {
		return fmt.Errorf("cannot chown %s: %w", root, err)
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return fmt.Errorf("cannot chown %s: %w", root, os.NewSyscallError("fstat", err))
	}
	w.dev = st.Dev
	w.stats.Visited++
	if kept(w.keep, &st) {
		w.stats.Kept++
		return nil
	}
	if w.keepRoot {
		return w.walk(fd, root)
	}
	if err := w.fchown(fd, root, &st); err != nil {
		return err
	}
	return w.walk(fd, root)
}

// dir handles every entry of the directory open at fd (whose path is p),
// one getdents64 result at a time (batch). When another worker waits with
// nothing to do, a result is handed to it instead, so one big directory
// is shared too.
func (w *chowner) dir(fd int, p string) error {
	for {
		if w.pool != nil && w.pool.stop.Load() {
			return nil // another worker failed; its error is the walk's
		}
		var n int
		err := retry(func() (err error) {
			n, err = unix.Getdents(fd, w.buf)
			return err
		})
		if err != nil {
			return fmt.Errorf("cannot chown %s: %w", p, os.NewSyscallError("getdents64", err))
		}
		if n <= 0 {
			return nil
		}
		if w.pool != nil && w.pool.hungry() && w.pool.handOver(fd, p, w.buf[:n]) {
			continue
		}
		if err := w.batch(fd, p, w.buf[:n]); err != nil {
			return err
		}
	}
}

// batch handles the entries of b, one getdents64 result of the directory
// open at fd (path p): non-directories as they come, directories after,
// so that b (the worker's buffer) is free again for the next level.
//
// Layout of struct linux_dirent64: d_ino u64, d_off s64, d_reclen u16,
// d_type u8, d_name NUL-terminated (the NUL is passed on to the system
// calls, see chown_sys.go).
func (w *chowner) batch(fd int, p string, b []byte) error {
	var subdirs []string
	for off := 0; off+19 < len(b); {
		rec := b[off:]
		reclen := int(binary.NativeEndian.Uint16(rec[16:18]))
		if reclen < 20 || reclen > len(rec) {
			return fmt.Errorf("cannot chown %s: %w", p, os.NewSyscallError("getdents64", unix.EIO))
		}
		off += reclen
		ino, typ := binary.NativeEndian.Uint64(rec[0:8]), rec[18]
		cname := rec[19:reclen]
		end := bytes.IndexByte(cname, 0)
		if end < 0 {
			return fmt.Errorf("cannot chown %s: %w", p, os.NewSyscallError("getdents64", unix.EIO))
		}
		cname = cname[:end+1]
		name := cname[:end]
		if ino == 0 || string(name) == "." || string(name) == ".." {
			continue
		}
		// The child's path is built only when needed (an except list, an
		// error): on a 100k-entry tree it is a third of the allocations.
		if w.except != nil && w.except[p+"/"+string(name)] {
			continue
		}
		if typ == unix.DT_DIR {
			subdirs = append(subdirs, string(name))
			continue
		}
		isDir, err := w.leaf(fd, p, cname)
		if err != nil {
			return err
		}
		if isDir { // DT_UNKNOWN
			subdirs = append(subdirs, string(name))
		}
	}
	w.report()
	for _, name := range subdirs {
		if w.pool != nil && w.pool.openLater(fd, name, p+"/"+name) {
			continue
		}
		if err := w.subdir(fd, name, p+"/"+name); err != nil { // one per directory: cheap
			return err
		}
	}
	return nil
}

// leaf counts and, if needed, lchowns the entry cname (NUL-terminated) of
// the directory open at fd, whose path is p; a directory (met as
// DT_UNKNOWN) is only reported, for the caller to walk.
func (w *chowner) leaf(fd int, p string, cname []byte) (isDir bool, err error) {
	var x unix.Statx_t
	err = statxAt(fd, cname, &x)
	if errors.Is(err, unix.ENOENT) {
		return false, nil // removed since the listing: nothing to own
	}
	if err != nil {
		return false, fmt.Errorf("cannot chown %s: %w", p+"/"+string(cname[:len(cname)-1]), os.NewSyscallError("statx", err))
	}
	mode := uint32(x.Mode) & unix.S_IFMT
	if mode == unix.S_IFDIR {
		return true, nil
	}
	w.stats.Visited++
	if x.Dev_major != unix.Major(w.dev) || x.Dev_minor != unix.Minor(w.dev) {
		return false, nil // a bind-mounted file belongs to another filesystem
	}
	if (w.uid == -1 || x.Uid == uint32(w.uid)) && (w.gid == -1 || x.Gid == uint32(w.gid)) {
		return false, nil
	}
	if mode == unix.S_IFREG && x.Nlink > 1 {
		w.stats.Linked++
		if w.stats.LinkedPath == "" {
			w.stats.LinkedPath = p + "/" + string(cname[:len(cname)-1])
		}
		return false, nil
	}
	if w.dryRun {
		w.stats.Changed++
		return false, nil
	}
	err = fchownAt(fd, cname, w.uid, w.gid)
	if errors.Is(err, unix.ENOENT) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("cannot chown %s: %w", p+"/"+string(cname[:len(cname)-1]), os.NewSyscallError("fchownat", err))
	}
	w.stats.Changed++
	return false, nil
}

// entry counts and, if needed, lchowns one non-directory: name in the
// directory open at dirfd, whose path is dir (for errors).
func (w *chowner) entry(dirfd int, name, dir string, st *unix.Stat_t) error {
	w.stats.Visited++
	if st.Dev != w.dev || !w.needs(st) {
		return nil // a bind-mounted file belongs to another filesystem
	}
	if st.Mode&unix.S_IFMT == unix.S_IFREG && st.Nlink > 1 {
		w.stats.Linked++
		if w.stats.LinkedPath == "" {
			w.stats.LinkedPath = joinPath(dir, name)
		}
		return nil
	}
	if w.dryRun {
		w.stats.Changed++
		return nil
	}
	err := retry(func() error { return unix.Fchownat(dirfd, name, w.uid, w.gid, unix.AT_SYMLINK_NOFOLLOW) })
	if errors.Is(err, unix.ENOENT) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cannot chown %s: %w", joinPath(dir, name), os.NewSyscallError("fchownat", err))
	}
	w.stats.Changed++
	return nil
}

// joinPath is dir/name, or name alone when it is already a full path (the
// root given as a file, with dirfd AT_FDCWD).
func joinPath(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + "/" + name
}

func (w *chowner) subdir(parent int, name, p string) error {
	fd, err := openDirAt(parent, name)
	switch {
	case errors.Is(err, unix.ENOENT):
		return nil
	case errors.Is(err, unix.ENOTDIR) || errors.Is(err, unix.ELOOP):
		// Swapped for a file or a link since the listing: treat it as one.
		var st unix.Stat_t
		if err := retry(func() error { return unix.Fstatat(parent, name, &st, unix.AT_SYMLINK_NOFOLLOW) }); err != nil {
			if errors.Is(err, unix.ENOENT) {
				return nil
			}
			return fmt.Errorf("cannot chown %s: %w", p, os.NewSyscallError("fstatat", err))
		}
		return w.entry(parent, name, filepath.Dir(p), &st)
	case err != nil:
		return fmt.Errorf("cannot chown %s: %w", p, err)
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return fmt.Errorf("cannot chown %s: %w", p, os.NewSyscallError("fstat", err))
	}
	w.stats.Visited++
	if st.Dev != w.dev {
		return nil // a mount point: another filesystem, not ours to change
	}
	if kept(w.keep, &st) {
		w.stats.Kept++
		return nil
	}
	if err := w.fchown(fd, p, &st); err != nil {
		return err
	}
	return w.dir(fd, p)
}

// fchown changes the directory open at fd, the very one that was opened,
// rather than whatever its name points to by now.
func (w *chowner) fchown(fd int, p string, st *unix.Stat_t) error {
	if !w.needs(st) {
		return nil
	}
	if w.dryRun {
		w.stats.Changed++
		return nil
	}
	if err := retry(func() error { return unix.Fchown(fd, w.uid, w.gid) }); err != nil {
		return fmt.Errorf("cannot chown %s: %w", p, os.NewSyscallError("fchown", err))
	}
	w.stats.Changed++
	return nil
}

// openDirAt opens name under dirfd as a directory, refusing a symlink
// (O_NOFOLLOW gives ELOOP) or anything else (O_DIRECTORY gives ENOTDIR,
// before a FIFO's open could block).
func openDirAt(dirfd int, name string) (int, error) {
	var fd int
	err := retry(func() (err error) {
		fd, err = unix.Openat(dirfd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		return err
	})
	if err != nil {
		return -1, os.NewSyscallError("openat", err)
	}
	return fd, nil
}
