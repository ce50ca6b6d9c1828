package logfwd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"
)

// StartFollow and Run forward the lines appended to the file at path, like
// `tail -F`, until ctx ends; then what is left. For servers that only log
// to files (Apache's ErrorLog, PHP-FPM's slowlog).
//
//   - A file that exists at StartFollow is read from its end (older
//     content was logged by an earlier run; Options.FollowFromStart changes
//     that); one that appears later, or replaces it, from its start.
//   - Rotation by rename (or delete and re-create): when path names a new
//     inode, the old file is read to its end, its partial last line flushed,
//     and the new one opened. Until a new file appears, the old one is still
//     read, since its writer may not have reopened yet.
//   - Truncation (copytruncate): when the size drops below what was read,
//     reading restarts at 0. As with tail -F, lines written between the last
//     poll and the truncation are lost; detection needs the file to be
//     smaller than before at a poll.
//   - Only a regular file is read, never through a link the app user could
//     have planted (openlog.go); anything else is refused, said once
//     through Follower.Refused, and looked at again at the next poll.
//
// It polls every Options.FollowInterval rather than using inotify: one
// stat per file per interval costs nothing at these rates, works on every
// filesystem (overlayfs, NFS-backed volumes), and has no watch limits.
//
//	fl, err := sink.StartFollow("/run/apache2/error.log", "apache", "apache | ")
//	// start the program that writes it, then:
//	go fl.Run(ctx)
//
// StartFollow takes the file's starting point now: call it before the
// program that writes the file starts, so that lines it writes at once are
// not taken for an earlier run's and skipped (CI caught that race when the
// follower was started after the program).
func (s *Sink) StartFollow(path, name, prefix string) (*Follower, error) {
	f := &follower{path: path, sp: s.newSplitter(name, prefix)}
	if err := f.poll(!s.opts.FollowFromStart); err != nil {
		f.close()
		return nil, err
	}
	return &Follower{f: f, interval: s.opts.FollowInterval}, nil
}

// Follower is one file being followed: StartFollow, then Run.
type Follower struct {
	// Refused, if set before Run, is told each time the file at the path
	// is refused (a link, a FIFO, a device...), once until a proper file
	// has been followed again:
	//	"not following /run/app/error.log: it is a named pipe, not a regular file"
	Refused func(msg string)

	f        *follower
	interval time.Duration
}

// report hands a new refusal to Refused.
func (fl *Follower) report() {
	if msg := fl.f.note; msg != "" {
		fl.f.note = ""
		if fl.Refused != nil {
			fl.Refused(msg)
		}
	}
}

// Run forwards the file until ctx ends, then what is left, and returns nil;
// or an error the file gave.
func (fl *Follower) Run(ctx context.Context) error {
	f := fl.f
	defer f.close()
	tick := time.NewTicker(fl.interval)
	defer tick.Stop()
	for {
		fl.report()
		select {
		case <-ctx.Done():
			if f.file != nil {
				f.readToEnd()
			}
			return nil
		case <-tick.C:
		}
		if err := f.poll(false); err != nil {
			return err
		}
	}
}

type follower struct {
	path     string
	sp       *splitter
	file     *os.File
	dev, ino uint64 // of file, when opened
	offset   int64  // bytes of file consumed
	refused  string // the refusal last said, so a lasting one is said once
	note     string // a refusal not yet reported
}

// refuse records r to be reported, unless it is the one said last.
func (f *follower) refuse(r *refusal) {
	if msg := r.Error(); msg != f.refused {
		f.refused, f.note = msg, msg
	}
}

// poll opens the file if needed (at its end when fromEnd), reads what is
// new, and handles rotation and truncation.
func (f *follower) poll(fromEnd bool) error {
	if f.file == nil {
		if err := f.open(fromEnd); err != nil || f.file == nil {
			return err
		}
	}
	f.readToEnd()
	cur, err := lstatLog(f.path)
	var r *refusal
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil // renamed away; keep reading the old file until a new one appears
	case errors.As(err, &r):
		// A directory on the way became an untrusted link: the path no
		// longer names this file.
		f.readToEnd()
		f.close()
		f.refuse(r)
		return nil
	case err != nil:
		return fmt.Errorf("cannot follow %s: %w", f.path, err)
	case cur.Dev != f.dev || cur.Ino != f.ino:
		f.readToEnd() // what the writer added before it moved on
		f.sp.flush()
		f.close()
		return f.poll(false)
	case cur.Size < f.offset:
		f.sp.flush()
		if _, err := f.file.Seek(0, io.SeekStart); err != nil {
			return fmt.Errorf("cannot follow %s after truncation: %w", f.path, err)
		}
		f.offset = 0
		f.readToEnd()
	}
	return nil
}

// open opens path if it exists and is a regular file (openLog), at its end
// when fromEnd.
func (f *follower) open(fromEnd bool) error {
	file, st, err := openLog(f.path)
	var r *refusal
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case errors.As(err, &r):
		f.refuse(r)
		return nil
	case err != nil:
		return fmt.Errorf("cannot follow %s: %w", f.path, err)
	}
	f.refused = ""
	f.file, f.dev, f.ino, f.offset = file, st.Dev, st.Ino, 0
	if fromEnd {
		off, err := file.Seek(0, io.SeekEnd)
		if err != nil {
			f.close()
			return fmt.Errorf("cannot follow %s: %w", f.path, err)
		}
		f.offset = off
	}
	return nil
}

// readToEnd forwards everything up to the current end of the file.
func (f *follower) readToEnd() {
	for {
		n, err := f.sp.fill(f.file)
		f.offset += int64(n)
		if err != nil || n == 0 {
			return
		}
	}
}

func (f *follower) close() {
	if f.file != nil {
		f.file.Close()
		f.file = nil
	}
	f.sp.flush()
}
