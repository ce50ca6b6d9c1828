package sysx

import (
	"io/fs"
	"os"

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
	size := 4096
	if limit >= 0 {
		size = limit
	}
	buf := make([]byte, 0, size)
	for limit < 0 || len(buf) < limit {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := IgnoringEINTR2(func() (int, error) { return unix.Read(fd, buf[len(buf):cap(buf)]) })
		if err != nil {
			return nil, &fs.PathError{Op: "read", Path: path, Err: err}
		}
		if n == 0 {
			break
		}
		buf = buf[:len(buf)+n]
	}
	return buf, nil
}

// Root is the filesystem at "/" for code written against fs.FS (the cgroup
// readers, tested on fixture trees): os.DirFS("/"), with ReadFile.
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
