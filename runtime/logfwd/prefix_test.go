package logfwd

import (
	"bytes"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"

	"appstart/runtime/harness/skip"
)

// oldFormat is write()'s formatting loop as it was before prefixLines
// (commit 6378001), kept as the oracle: format must give the same bytes
// for every input.
func oldFormat(chunk, prefix []byte, max int) []byte {
	var out []byte
	for len(chunk) > 0 {
		end := bytes.IndexByte(chunk, '\n')
		line := chunk
		next := len(chunk)
		if end >= 0 {
			line, next = chunk[:end], end+1
		}
		for len(line) > max {
			c := runeCut(line, max)
			out = appendLine(out, prefix, line[:c])
			line = line[c:]
		}
		if end >= 0 && len(line) == end {
			out = append(append(out, prefix...), chunk[:next]...)
		} else {
			out = appendLine(out, prefix, line)
		}
		chunk = chunk[next:]
	}
	return out
}

// modelPrefixLines is prefixLines' contract written plainly: whole lines
// of at most max bytes while prefix + line fits in room.
func modelPrefixLines(room int, src, prefix []byte, max int) (out []byte, nSrc int) {
	for {
		i := bytes.IndexByte(src[nSrc:], '\n')
		if i < 0 || i > max || len(out)+len(prefix)+i+1 > room {
			return out, nSrc
		}
		out = append(append(out, prefix...), src[nSrc:nSrc+i+1]...)
		nSrc += i + 1
	}
}

// paths are the implementations to compare: asm is true for the assembly
// loop (with the Go one for what it leaves).
var paths = []struct {
	name string
	asm  bool
}{{"go", false}, {"avx2", true}}

// needPath skips the assembly path where it does not exist: by design on
// other architectures, and on an amd64 without AVX2 (an old CPU, which CI
// must not be: it would not test the assembly).
func needPath(t testing.TB, asm bool) {
	t.Helper()
	switch {
	case !asm || haveAVX2():
	case runtime.GOARCH != "amd64":
		skip.Optional(t, "no assembly for %s: only the Go path exists", runtime.GOARCH)
	default:
		skip.OrFail(t, "this CPU has no AVX2: the assembly path cannot run")
	}
}

// checkPrefixLines compares prefixLines with the model for one input on
// one path, with dst room bytes long; the bytes after len(dst) (within its
// cap) must stay untouched.
func checkPrefixLines(t testing.TB, asm bool, src, prefix []byte, max, room int) {
	t.Helper()
	const canary = 0xA5
	buf := bytes.Repeat([]byte{canary}, room+64)
	nDst, nSrc := prefixLines(buf[:room], src, prefix, max, asm)
	want, wantSrc := modelPrefixLines(room, src, prefix, max)
	if nSrc != wantSrc || !bytes.Equal(buf[:nDst], want) {
		t.Fatalf("prefixLines(asm %v, src %q, prefix %q, max %d, room %d) = %q, %d; want %q, %d",
			asm, src, prefix, max, room, buf[:nDst], nSrc, want, wantSrc)
	}
	for i, b := range buf[room:] {
		if b != canary {
			t.Fatalf("prefixLines(asm %v, src %q, prefix %q, max %d, room %d) wrote dst[%d], past len(dst)",
				asm, src, prefix, max, room, room+i)
		}
	}
	if asm && haveAVX2() && len(prefix) <= 32 && max >= 0 {
		checkAsmProgress(t, src, prefix, max, room, want)
	}
}

// checkAsmProgress checks the assembly alone: it may stop early, which the
// Go loop makes up for, but only within 64 bytes of the end of src or
// dst, else it is the Go loop that does the work and the tests compare it
// with itself.
func checkAsmProgress(t testing.TB, src, prefix []byte, max, room int, want []byte) {
	t.Helper()
	dst := make([]byte, room)
	nDst, nSrc := prefixLinesAsm(dst, src, prefix, min(max, len(src)))
	most := len(src) - 64
	if most < 0 {
		most = 0
	}
	_, least := modelPrefixLines(room-64, src[:most], prefix, max)
	if nSrc < least || nDst > len(want) || !bytes.Equal(dst[:nDst], want[:nDst]) {
		t.Fatalf("prefixLinesAVX2(src %q, prefix %q, max %d, room %d) = %q, %d; want at least %d bytes of src, from %q",
			src, prefix, max, room, dst[:nDst], nSrc, least, want)
	}
}

// checkFormat compares format (whose result write hands on) with the old
// loop for one input on one path.
func checkFormat(t testing.TB, asm bool, src, prefix []byte, max int) {
	t.Helper()
	sp := &splitter{prefix: prefix, max: max, noAsm: !asm}
	// Twice: the second call reuses sp.out, dirty from the first.
	wantCut := slices.ContainsFunc(bytes.SplitAfter(src, []byte{'\n'}), func(l []byte) bool {
		return len(bytes.TrimSuffix(l, []byte{'\n'})) > max
	})
	for range 2 {
		got, cut := sp.format(src)
		if want := oldFormat(src, prefix, max); !bytes.Equal(got, want) {
			t.Fatalf("format(asm %v, src %q, prefix %q, max %d) =\n%q\nthe old loop gave\n%q", asm, src, prefix, max, got, want)
		}
		if cut != wantCut {
			t.Fatalf("format(asm %v, src %q, max %d) says a line was cut: %v, want %v", asm, src, max, cut, wantCut)
		}
	}
}

var testPrefixLens = []int{0, 1, 6, 8, 9, 31, 32, 33, 40}

func testPrefix(n int) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = 'A' + byte(i%26)
	}
	return p
}

// linesOf returns lines of the given text lengths, each text a run of
// letters that changes with the line, so a byte out of place shows.
func linesOf(lens ...int) []byte {
	var b []byte
	for i, n := range lens {
		for j := range n {
			b = append(b, 'a'+byte((i+j)%26))
		}
		b = append(b, '\n')
	}
	return b
}

func TestPrefixLines(t *testing.T) {
	type tc struct {
		name string
		src  []byte
		max  int
	}
	cases := []tc{
		{"empty", nil, 10},
		{"empty lines", []byte("\n\n"), 10},
		{"many empty lines", bytes.Repeat([]byte("\n"), 100), 10},
		{"no newline", []byte("abc"), 10},
		{"no newline, long", bytes.Repeat([]byte("x"), 100), 1000},
		{"tail without newline", append(linesOf(5, 40, 3), "open tail"...), 100},
		{"newline last in block", linesOf(31, 0, 31), 100},  // '\n' at 31, 32 and 64
		{"newline first in block", linesOf(32, 30, 0), 100}, // '\n' at 32 and 63, 64
		{"newline ends src at 32", linesOf(31), 100},
		{"newline ends src at 64", linesOf(63), 100},
		{"line of max", linesOf(50, 50), 50},
		{"line of max+1", linesOf(50, 51, 50), 50},
		{"lines of max, '\n' first in block", linesOf(64, 63, 64, 63, 64, 63, 64), 64},
		{"line of max+1 first", linesOf(51, 5), 50},
		{"max 0", linesOf(0, 0, 1, 0), 0},
		{"long lines", linesOf(200, 1000, 3, 129), 4096},
		{"utf-8", []byte("héllo wörld ünïcödé and a few more bytes to pass 32\n€€€€€€€€€€€€€€€€€€€\n"), 100},
	}
	// Lines of every length 0..70 around the block edges, each set shifted
	// by a first line of 0..33 bytes, so '\n' falls on every byte of a
	// block, and runs of one length, whose '\n' walks through the blocks.
	for n := 0; n <= 70; n++ {
		cases = append(cases, tc{fmt.Sprintf("run of %d", n), linesOf(n, n, n, n, n, n, n, n, n), 100})
	}
	var all []int
	for n := 0; n <= 70; n++ {
		all = append(all, n)
	}
	for shift := 0; shift <= 33; shift++ {
		cases = append(cases, tc{fmt.Sprintf("0..70 after %d", shift), linesOf(append([]int{shift}, all...)...), 70})
	}
	for _, c := range cases {
		for _, pl := range testPrefixLens {
			prefix := testPrefix(pl)
			for _, p := range paths {
				t.Run(fmt.Sprintf("%s/prefix %d/%s", c.name, pl, p.name), func(t *testing.T) {
					needPath(t, p.asm)
					whole, _ := modelPrefixLines(1<<30, c.src, prefix, c.max)
					// dst ample, then exactly big enough, then one
					// byte short (which drops the last line).
					for _, room := range []int{len(whole) + 100, len(whole), len(whole) - 1} {
						if room >= 0 {
							checkPrefixLines(t, p.asm, c.src, prefix, c.max, room)
						}
					}
					if c.max > 0 {
						checkFormat(t, p.asm, c.src, prefix, c.max)
					}
				})
			}
		}
	}
}

// TestPrefixLinesEveryRoom moves the end of dst across every byte of the
// output: the assembly must hand over to the Go loop wherever its 32-byte
// stores stop fitting.
func TestPrefixLinesEveryRoom(t *testing.T) {
	src := append(linesOf(0, 1, 31, 32, 33, 5, 64, 2, 70, 0, 0, 15), "open"...)
	for _, pl := range testPrefixLens {
		prefix := testPrefix(pl)
		whole, _ := modelPrefixLines(1<<30, src, prefix, 100)
		for _, p := range paths {
			t.Run(fmt.Sprintf("prefix %d/%s", pl, p.name), func(t *testing.T) {
				needPath(t, p.asm)
				for room := 0; room <= len(whole)+40; room++ {
					checkPrefixLines(t, p.asm, src, prefix, 100, room)
				}
			})
		}
	}
}

// TestPrefixLinesUsesTheAssembly checks that asm really selects the
// assembly, or every test above would compare the Go loop with itself. It
// tells them apart by their traces: the Go loop writes nothing past the
// lines it returns, while the assembly has already copied the blocks of a
// line whose '\n' it never found.
func TestPrefixLinesUsesTheAssembly(t *testing.T) {
	src := []byte(strings.Repeat(benchLine, 10) + strings.Repeat("x", 200))
	for _, p := range paths {
		t.Run(p.name, func(t *testing.T) {
			needPath(t, p.asm)
			dst := make([]byte, 2*len(src))
			nDst, _ := prefixLines(dst, src, []byte("web | "), 4096, p.asm)
			copied := bytes.Contains(dst[nDst:], []byte("xxxx"))
			if copied != p.asm {
				t.Fatalf("asm %v: the partial line was copied past the lines: %v", p.asm, copied)
			}
		})
	}
}

func FuzzPrefixLines(f *testing.F) {
	f.Add([]byte("a\nbc\nde"), uint8(6), uint16(10), uint16(100))
	f.Add([]byte("\n\n\n"), uint8(0), uint16(0), uint16(3))
	f.Add(linesOf(31, 0, 32, 33, 64), uint8(32), uint16(33), uint16(200))
	f.Add(linesOf(50, 51, 49), uint8(40), uint16(50), uint16(500))
	f.Add([]byte(strings.Repeat(benchLine, 10)+"tail"), uint8(6), uint16(4096), uint16(1000))
	f.Add([]byte("héllo wörld\n€€€€€€€€€€€€€\n"), uint8(9), uint16(7), uint16(60))
	f.Fuzz(func(t *testing.T, src []byte, plen uint8, max, room uint16) {
		prefix := testPrefix(int(plen) % 41)
		for _, p := range paths {
			needPath(t, p.asm)
			checkPrefixLines(t, p.asm, src, prefix, int(max), int(room))
			if max > 0 { // Options makes MaxLine positive
				checkFormat(t, p.asm, src, prefix, int(max))
			}
		}
	})
}

// TestFormatReusesOut: once sp.out has grown to a read's size, formatting
// more reads of that size allocates nothing.
func TestFormatReusesOut(t *testing.T) {
	chunk := []byte(strings.Repeat(benchLine, 600) + strings.Repeat("y", 300) + "\n")
	for _, p := range paths {
		t.Run(p.name, func(t *testing.T) {
			needPath(t, p.asm)
			sp := &splitter{prefix: []byte("web | "), max: 256, noAsm: !p.asm}
			_, _ = sp.format(chunk)
			if n := testing.AllocsPerRun(20, func() { _, _ = sp.format(chunk) }); n != 0 {
				t.Fatalf("format allocates %v times per call in the steady state", n)
			}
		})
	}
}
