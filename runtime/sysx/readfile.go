package sysx

import (
	"io/fs"
	"os"
	"slices"

	"golang.org/x/sys/unix"
)

// ReadFile reads a whole file, as os.ReadFile does, in fewer system calls:
// open, read to the end, close. os.ReadFile adds an fstat for the size and
// tries to register the file with the runtime's poller (refused for a
// regular file), six calls where this makes four; a start reads some twenty
// small files (passwd and group, the cgroup limits, /proc), each call some
// microseconds on a virtual machine.
func ReadFile(path string) ([]byte, error) {
	return readAtMost(path, -1)
}

// ReadHead reads up to the first n bytes of a file (fewer when it is
// shorter), in the calls ReadFile makes.
func ReadHead(path string, n int) ([]byte, error) {
	return readAtMost(path, n)
}

// readAtMost reads path to its end, or to limit bytes when limit >= 0.
func readAtMost(path string, limit int) ([]byte, error) {
	fd, err := IgnoringEINTR2(func() (int, error) { return unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0) })
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	defer unix.Close(fd)
	// Most files a start reads are a few bytes to a few KiB (a cgroup
	// limit, passwd): read into the stack and keep an exact copy, so each
	// file does not take a fresh 4 KiB of heap, which a new process pays
	// for in page faults.
	var small [4096]byte
	head := small[:]
	if limit >= 0 && limit < len(head) {
		head = head[:limit]
	}
	n, err := readFull(fd, head)
	buf := append([]byte(nil), head[:n]...)
	// A full head means more may follow: read it into buf, doubling it.
	for err == nil && n == len(head) && (limit < 0 || len(buf) < limit) {
		buf = slices.Grow(buf, len(buf))
		head = buf[len(buf):cap(buf)]
		if limit >= 0 {
			head = head[:min(len(head), limit-len(buf))]
		}
		n, err = readFull(fd, head)
		buf = buf[:len(buf)+n]
	}
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: path, Err: err}
	}
	return buf, nil
}

// readFull reads into p until it is full or the file ends; n < len(p)
// means the end was reached.
func readFull(fd int, p []byte) (int, error) {
	n := 0
	for n < len(p) {
		m, err := IgnoringEINTR2(func() (int, error) { return unix.Read(fd, p[n:]) })
		if err != nil {
			return n, err
		}
		if m == 0 {
			break
		}
		n += m
	}
	return n, nil
}

// Root is the filesystem at "/" for code written against fs.FS (the cgroup
// readers, tested on fixture trees): os.DirFS("/"), with ReadFile and Stat
// (fs.Stat of a plain FS opens, stats and closes: five calls for one).
type Root struct{ fs.FS }

// NewRoot returns the filesystem at "/".
func NewRoot() Root { return Root{os.DirFS("/")} }

// ReadFile reads name, a slash-separated path relative to "/".
func (r Root) ReadFile(name string) ([]byte, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "readfile", Path: name, Err: fs.ErrInvalid}
	}
	return ReadFile("/" + name)
}

// Stat stats name, a slash-separated path relative to "/", following links
// as os.DirFS does.
func (r Root) Stat(name string) (fs.FileInfo, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrInvalid}
	}
	return os.Stat("/" + name)
}

// TotalRAM is the machine's RAM in bytes as sysinfo(2) gives it: the
// MemTotal of /proc/meminfo in one call, without the kernel writing out
// the whole file (~30 µs the first time in a fresh procfs).
func TotalRAM() (int64, error) {
	var info unix.Sysinfo_t
	if err := unix.Sysinfo(&info); err != nil {
		return 0, os.NewSyscallError("sysinfo", err)
	}
	return int64(info.Totalram) * int64(info.Unit), nil
}

// OpenFile is os.OpenFile for a regular file (O_CLOEXEC added): the same
// *os.File, made with os.NewFile, so the runtime never tries to register
// it with its poller (os.OpenFile does, for any file: four calls more for
// a file that can never be polled).
func OpenFile(path string, flag int, perm os.FileMode) (*os.File, error) {
	fd, err := IgnoringEINTR2(func() (int, error) { return unix.Open(path, flag|unix.O_CLOEXEC, uint32(perm.Perm())) })
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(fd), path), nil
}
