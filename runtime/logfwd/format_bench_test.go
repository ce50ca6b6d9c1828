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
