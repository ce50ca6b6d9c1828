package fsops

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"
)

// CopyIfMissing copies src (a file, symlink or directory tree) to dst with
// `cp -rn` semantics: every entry missing at dst is created, nothing that
// exists is overwritten or changed, and copied entries get the owner
// uid:gid (-1 leaves root's) and the source's mode bits. Missing parent
// directories of dst are created (mode 0755, owner uid:gid).
//
// Each file is written to a temp name, fdatasync'ed, and moved into place with
// renameat2(RENAME_NOREPLACE), so a crash never leaves a half-copied file
// under its real name, and a file the user creates meanwhile is never
// replaced. Directories are likewise created under a temp name with their
// owner and mode set, then renamed into place, and filled afterwards: after
// a crash the next call finds the directory and copies what it still lacks.
//
// Nothing at dst is followed: an existing symlink, even to a directory, is
// an existing entry and is left alone (the app user owns dst and could
// point a link at /etc). Symlinks in src are recreated as symlinks;
// devices, FIFOs and sockets are skipped.
//
//	st, err := CopyIfMissing("/app/code/defaults", "/app/data", 1000, 1000)
//	// first start: Stats{Visited: 120, Changed: 120}; later: Changed: 0
//	// error example: "cannot seed /app/data/config.json from /app/code/defaults/config.json: write: no space left on device"
func CopyIfMissing(src, dst string, uid, gid int) (Stats, error) {
	return copyIfMissing(src, dst, uid, gid, copyWorkers)
}

// CopyIfMissingKeep is [CopyIfMissing] that neither enters nor adds to the
// existing directories whose identity is in keep (Stats.Kept counts them):
// a seed to /run adds nothing to appstart's own /run/appstart.
func CopyIfMissingKeep(src, dst string, uid, gid int, keep []FileID) (Stats, error) {
	return copyKeep(src, dst, uid, gid, copyWorkers, keep)
}

func copyIfMissing(src, dst string, uid, gid, workers int) (Stats, error) {
	return copyKeep(src, dst, uid, gid, workers, nil)
}

func copyKeep(src, dst string, uid, gid, workers int, keep []FileID) (Stats, error) {
	start := time.Now()
	c := copier{uid: uid, gid: gid, buf: make([]byte, direntBufSize), jobs: make(chan fileJob), keep: keep}
	for range workers {
		c.wg.Add(1)
		go c.worker()
	}
	err := c.top(filepath.Clean(src), filepath.Clean(dst))
	close(c.jobs)
	c.wg.Wait()
	c.stats.Changed += c.copied
	if err == nil {
		err = c.failed
	}
	c.stats.Elapsed = time.Since(start)
	return c.stats, err
}

func (c *copier) top(src, dst string) error {
	fi, err := os.Lstat(src)
	if err != nil {
		return fmt.Errorf("cannot seed %s: %w", dst, err)
	}
	parent, name := filepath.Split(dst)
	if name == "" { // dst is "/"
		return c.fillExisting(src, dst)
	}
	if err := c.mkParents(filepath.Clean(parent)); err != nil {
		return err
	}
	dfd, err := OpenDirNoFollow(parent)
	if err != nil {
		return fmt.Errorf("cannot seed %s: %w", dst, err)
	}
	defer unix.Close(dfd)
	var st unix.Stat_t
	err = unix.Fstatat(dfd, name, &st, unix.AT_SYMLINK_NOFOLLOW)
	switch {
	case err == nil:
		c.stats.Visited++
		if fi.IsDir() && st.Mode&unix.S_IFMT == unix.S_IFDIR {
			return c.fillExisting(src, dst)
		}
		return nil
	case errors.Is(err, unix.ENOENT):
		return c.create(dfd, filepath.Clean(parent), name, src, fi)
	default:
		return fmt.Errorf("cannot seed %s: %w", dst, os.NewSyscallError("fstatat", err))
	}
}

// fillExisting descends into the existing directory dst.
func (c *copier) fillExisting(src, dst string) error {
	fd, err := openDirAt(unix.AT_FDCWD, dst)
	if err != nil {
		return fmt.Errorf("cannot seed %s: %w", dst, err)
	}
	defer unix.Close(fd)
	return c.fill(src, fd, dst)
}

// fill copies into the directory open at dfd (path dst) each entry of the
// source directory src that it lacks, descending into directories both
// sides have. One listing of each side replaces a stat per entry, so a
// restart over a complete tree is two getdents64 per directory.
func (c *copier) fill(src string, dfd int, dst string) error {
	if len(c.keep) > 0 {
		var st unix.Stat_t
		if err := unix.Fstat(dfd, &st); err != nil {
			return fmt.Errorf("cannot seed %s: %w", dst, os.NewSyscallError("fstat", err))
		}
		if kept(c.keep, &st) {
			c.stats.Kept++
			return nil
		}
	}
	have := map[string]byte{}
	if err := readDirents(dfd, c.buf, func(name string, typ byte) error {
		have[name] = typ
		return nil
	}); err != nil {
		return fmt.Errorf("cannot seed %s: %w", dst, err)
	}
	sf, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("cannot seed %s: %w", dst, err)
	}
	entries, err := sf.ReadDir(-1) // d_type, no stat, no sort
	sf.Close()
	if err != nil {
		return fmt.Errorf("cannot seed %s: %w", dst, err)
	}
	c.removeStaleTemps(dfd, have, entries)
	for _, e := range entries {
		name := e.Name()
		s, d := filepath.Join(src, name), filepath.Join(dst, name)
		typ, exists := have[name]
		if !exists {
			fi, err := e.Info()
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				return fmt.Errorf("cannot seed %s: %w", d, err)
			}
			if err := c.create(dfd, dst, name, s, fi); err != nil {
				return err
			}
			continue
		}
		c.stats.Visited++
		if !e.IsDir() {
			continue
		}
		if typ == unix.DT_UNKNOWN {
			var st unix.Stat_t
			if err := unix.Fstatat(dfd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err == nil && st.Mode&unix.S_IFMT == unix.S_IFDIR {
				typ = unix.DT_DIR
			}
		}
		if typ != unix.DT_DIR {
			continue // a file or a link where src has a directory: theirs
		}
		if err := c.descend(dfd, name, s, d); err != nil {
			return err
		}
	}
	return nil
}

// removeStaleTemps deletes what a killed earlier call left in dst: temp
// files, links and (still empty) directories named after a source entry.
func (c *copier) removeStaleTemps(dfd int, have map[string]byte, entries []fs.DirEntry) {
	var stale []string
	for name := range have {
		if base, ok := tempBase(name); ok {
			for _, e := range entries {
				if tempPrefix(e.Name()) == tempPrefix(base) {
					stale = append(stale, name)
					break
				}
			}
		}
	}
	for _, name := range stale {
		if err := unix.Unlinkat(dfd, name, 0); errors.Is(err, unix.EISDIR) {
			_ = unix.Unlinkat(dfd, name, unix.AT_REMOVEDIR)
		}
		delete(have, name)
	}
}

func (c *copier) descend(dfd int, name, src, dst string) error {
	fd, err := openDirAt(dfd, name)
	if errors.Is(err, unix.ELOOP) || errors.Is(err, unix.ENOTDIR) || errors.Is(err, unix.ENOENT) {
		return nil // swapped for a link or removed since the listing
	}
	if err != nil {
		return fmt.Errorf("cannot seed %s: %w", dst, err)
	}
	defer unix.Close(fd)
	return c.fill(src, fd, dst)
}

// create makes the missing entry name in dfd (path dir) from src.
func (c *copier) create(dfd int, dir, name, src string, fi fs.FileInfo) error {
	c.stats.Visited++
	dst := filepath.Join(dir, name)
	var made bool
	var err error
	switch {
	case fi.Mode().IsRegular():
		return c.submit(dfd, dir, name, src, fi)
	case fi.Mode()&fs.ModeSymlink != 0:
		made, err = c.copyLink(dfd, dir, name, src)
	case fi.IsDir():
		made, err = c.makeDir(dfd, dir, name, fi.Mode())
		if err == nil {
			if made {
				c.stats.Changed++
			}
			return c.descend(dfd, name, src, dst)
		}
	default:
		return nil // device, FIFO or socket: nothing an app seeds
	}
	if err != nil {
		return fmt.Errorf("cannot seed %s from %s: %w", dst, src, err)
	}
	if made {
		c.stats.Changed++
	}
	return nil
}
