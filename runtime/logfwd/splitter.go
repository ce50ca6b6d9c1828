package logfwd

import (
	"bytes"
	"io"
	"slices"
	"unicode/utf8"
)

// initialBuf is a source's first read buffer, so idle programs stay small.
// The first read that fills it grows it to MaxLine plus readHeadroom at
// once: the kernel gives a large buffer's pages only as reads touch them,
// where doubling from 4 KiB made six buffers whose every page was touched
// (~250 page faults per flooding program, each costly in a VM).
const initialBuf = 4 << 10

// readHeadroom is the most one read takes above a kept partial line: twice
// the default pipe capacity (pipe(7)), enough for a read to amortise its
// cost, and the size of one write of its lines (maxHold).
const readHeadroom = 128 << 10

// splitter turns one source's byte stream into whole output lines. It is
// owned by the goroutine that reads that source: its Sink's relay for a
// pipe, the follower for a file.
type splitter struct {
	s      *Sink
	prefix []byte
	max    int
	buf    []byte // pending input; after emit, only a partial line <= max
	out    []byte // scratch for the formatted output
	ring   *ring
	// short records that fill's last read took less than the room it had:
	// the source held no more then.
	short bool
	// noAsm makes format use prefixLines' Go loop only, for tests that
	// compare it with the assembly on the same machine.
	noAsm bool
}

func (s *Sink) newSplitter(name, prefix string) *splitter {
	return &splitter{
		s:      s,
		prefix: []byte(prefix),
		max:    s.opts.MaxLine,
		buf:    make([]byte, 0, initialBuf),
		ring:   s.ringFor(name),
	}
}

// fill does one Read from r into the buffer and writes the complete lines.
func (sp *splitter) fill(r io.Reader) (int, error) {
	sp.reserve()
	free := cap(sp.buf) - len(sp.buf)
	n, err := r.Read(sp.buf[len(sp.buf):cap(sp.buf)])
	sp.short = n < free
	if n > 0 {
		sp.buf = sp.buf[:len(sp.buf)+n]
		if n == free {
			sp.grow() // the source has more than we took: read more at once
		}
		sp.emit()
	}
	return n, err
}

// reserve makes sure there is room to read into.
func (sp *splitter) reserve() {
	if len(sp.buf) == cap(sp.buf) {
		sp.grow()
	}
}

func (sp *splitter) grow() {
	limit := sp.max + readHeadroom
	if cap(sp.buf) >= limit {
		return
	}
	nb := make([]byte, len(sp.buf), limit)
	copy(nb, sp.buf)
	sp.buf = nb
}

// emit writes every complete line in the buffer, and the head of an
// over-long partial line, and keeps the rest.
func (sp *splitter) emit() {
	data := sp.buf
	whole := 0
	if i := bytes.LastIndexByte(data, '\n'); i >= 0 {
		whole = i + 1
	}
	// An over-long partial line is cut into max-sized pieces now.
	cut := whole
	for len(data)-cut > sp.max {
		cut += runeCut(data[cut:], sp.max)
	}
	if cut == 0 {
		return
	}
	sp.write(data[:cut], cut > whole)
	n := copy(sp.buf, data[cut:])
	sp.buf = sp.buf[:n]
}

// flush writes a final partial line (at EOF, rotation or a forced stop).
func (sp *splitter) flush() {
	if len(sp.buf) == 0 {
		return
	}
	sp.write(sp.buf, true)
	sp.buf = sp.buf[:0]
}

// write formats chunk, whose lines end in '\n' except possibly the last
// when open is set, and hands it to the Sink in one write. Without a prefix
// the bytes go out unchanged; with one every line, and every max-sized
// piece of a longer line, becomes prefix + text + "\n".
func (sp *splitter) write(chunk []byte, open bool) {
	// Masked once, before the copies part: stdout, the ring and the
	// followers all get the same bytes.
	chunk = sp.s.mask(chunk)
	if len(sp.prefix) == 0 {
		sp.ring.add(chunk, open)
		sp.s.writeOut(chunk)
		return
	}
	out, cut := sp.format(chunk)
	if cut {
		sp.ring.addPrefixed(out, len(sp.prefix))
	} else {
		// The ring keeps the lines without their prefix: when no line was
		// cut, those are chunk's bytes, put in one copy. Found line by line
		// in out, they cost as much as the prefixing (BenchmarkFormat: 5.8
		// ns a line that way, 3.4 this way).
		sp.ring.add(chunk, open)
	}
	sp.s.writeOut(out)
}

// format returns chunk with every line, and every max-sized piece of a
// longer line, as prefix + text + "\n", in sp.out, and whether a line was
// cut into pieces. sp.out is reused, so after the first big read it only
// copies. Its ordinary lines go through prefixLines, whose AVX2 loop is 3
// to 4 times as fast as its Go loop (BenchmarkPrefixLines).
func (sp *splitter) format(chunk []byte) (out []byte, cut bool) {
	// Room for the usual case, lines at least 8 times the prefix, so the
	// fast path rarely stops for room; append grows it for the rest.
	out = slices.Grow(sp.out[:0], len(chunk)+len(chunk)/8)
	for len(chunk) > 0 {
		// The ordinary lines at once; the loop below takes one line of
		// what is left: one over max, the open last line, or one out had
		// no room for.
		d, s := prefixLines(out[len(out):cap(out)], chunk, sp.prefix, sp.max, !sp.noAsm)
		out, chunk = out[:len(out)+d], chunk[s:]
		if len(chunk) == 0 {
			break
		}
		end := bytes.IndexByte(chunk, '\n')
		line := chunk
		next := len(chunk)
		if end >= 0 {
			line, next = chunk[:end], end+1
		}
		for len(line) > sp.max {
			cut = true
			c := runeCut(line, sp.max)
			out = appendLine(out, sp.prefix, line[:c])
			line = line[c:]
		}
		if end >= 0 && len(line) == end {
			// A whole line: prefix, then the line with its own newline.
			out = append(append(out, sp.prefix...), chunk[:next]...)
		} else {
			out = appendLine(out, sp.prefix, line)
		}
		chunk = chunk[next:]
	}
	sp.out = out
	return out, cut
}

func appendLine(out, prefix, line []byte) []byte {
	out = append(out, prefix...)
	out = append(out, line...)
	return append(out, '\n')
}

// runeCut returns where to cut b to at most max bytes without splitting a
// UTF-8 sequence (falling back to max for bytes that are not UTF-8).
func runeCut(b []byte, max int) int {
	if len(b) <= max {
		return len(b)
	}
	for c := max; c > max-utf8.UTFMax && c > 0; c-- {
		if utf8.RuneStart(b[c]) {
			return c
		}
	}
	return max
}
