package convert

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkConvert converts the largest corpus config (spec.Parse of the
// result included).
func BenchmarkConvert(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(corpus, "laravel.conf"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Convert([]Input{{Name: "laravel.conf", R: bytes.NewReader(data)}}, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
