package ident

import "testing"

// A start looks up each user its spec names; Debian's passwd and group
// (24 and 48 lines) are the usual files.
func BenchmarkLookupFiles(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := LookupFiles("root", "/etc/passwd", "/etc/group"); err != nil {
			b.Fatal(err)
		}
	}
}
