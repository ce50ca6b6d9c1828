package stage

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"time"

	"appstart/runtime/environ"
)

const (
	// tailLines is how many of a failed command's last lines its error shows.
	tailLines = 20
	// maxLine cuts a line kept for the error (the streamed copy is whole),
	// so a command printing one endless line cannot fill appstart's memory.
	maxLine = 1024
	// drainGrace is how long the output of an ended command is still read:
	// a daemon it started may hold the pipe open forever, and the start must
	// not hang on it (its later output is dropped).
	drainGrace = 2 * time.Second
)

// capture reads one command's combined stdout and stderr from a pipe,
// streams each line to out with a prefix, and keeps the last lines for an
// error message. Both copies are masked.
type capture struct {
	r, w  *os.File
	grace time.Duration // drainGrace
	done  chan struct{}
	tail  []string // ring of the last tailLines lines
	next  int
	full  bool
}

// newCapture returns a capture whose w goes to the child as fds 1 and 2.
func newCapture(out io.Writer, prefix string, m *environ.Masker) (*capture, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	c := &capture{r: r, w: w, grace: drainGrace, done: make(chan struct{}), tail: make([]string, tailLines)}
	go c.read(out, prefix, m)
	return c, nil
}

func (c *capture) read(out io.Writer, prefix string, m *environ.Masker) {
	defer close(c.done)
	br := bufio.NewReaderSize(c.r, 64<<10)
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		line = append(line, chunk...)
		if err == bufio.ErrBufferFull && len(line) < 1<<20 {
			continue // a long line: keep reading it (an endless one is cut at 1 MiB)
		}
		if len(line) > 0 {
			c.add(out, prefix, m, line)
			line = line[:0]
		}
		if err != nil && err != bufio.ErrBufferFull {
			return
		}
	}
}

func (c *capture) add(out io.Writer, prefix string, m *environ.Masker, line []byte) {
	text := m.Mask(string(bytes.TrimRight(line, "\r\n")))
	if out != nil {
		io.WriteString(out, prefix+text+"\n")
	}
	if len(text) > maxLine {
		text = text[:maxLine] + "..."
	}
	c.tail[c.next] = text
	c.next = (c.next + 1) % len(c.tail)
	if c.next == 0 {
		c.full = true
	}
}

// finish closes appstart's copy of the write end (the child has its own
// until it exits) and waits for the reader, at most c.grace.
func (c *capture) finish() []string {
	c.w.Close()
	select {
	case <-c.done:
	case <-time.After(c.grace):
		c.r.Close() // unblocks the reader with an error
		<-c.done
	}
	c.r.Close()
	if !c.full {
		return append([]string(nil), c.tail[:c.next]...)
	}
	return append(append([]string(nil), c.tail[c.next:]...), c.tail[:c.next]...)
}
