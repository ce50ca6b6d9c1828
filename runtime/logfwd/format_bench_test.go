package logfwd

import (
	"io"
	"strings"
	"testing"
)

// BenchmarkFormat is the forwarder's CPU per line: prefixing a 60 KiB read
// of 100-byte lines and recording it in the ring, with a free destination.
//
//	go test -run '^$' -bench Format -count 5 ./runtime/logfwd
func BenchmarkFormat(b *testing.B) {
	s := NewSink(io.Discard, Options{})
	sp := s.newSplitter("web", "web | ")
	chunk := []byte(strings.Repeat(benchLine, 600))
	b.SetBytes(int64(len(chunk)))
	for b.Loop() {
		sp.write(chunk, false)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*600), "ns/line")
}

// BenchmarkPrefixLines is prefixLines alone on the same read, per path:
// the part of BenchmarkFormat the assembly replaces (the rest is the ring).
//
//	go test -run '^$' -bench PrefixLines -count 5 ./runtime/logfwd
func BenchmarkPrefixLines(b *testing.B) {
	chunk := []byte(strings.Repeat(benchLine, 600))
	prefix := []byte("web | ")
	dst := make([]byte, len(chunk)+600*len(prefix))
	for _, p := range paths {
		b.Run(p.name, func(b *testing.B) {
			needPath(b, p.asm)
			b.SetBytes(int64(len(chunk)))
			for b.Loop() {
				if _, n := prefixLines(dst, chunk, prefix, DefaultMaxLine, p.asm); n != len(chunk) {
					b.Fatalf("formatted %d of %d bytes", n, len(chunk))
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*600), "ns/line")
		})
	}
}
