package cgroup

import (
	"testing"
)

func TestFormatSize(t *testing.T) {
	t.Parallel()
	for n, want := range map[int64]string{
		512 << 20: "512MiB",
		2 << 30:   "2GiB",
		1 << 40:   "1TiB",
		1536:      "1536B",
		1000:      "1000B",
		0:         "0B",
		(3 << 29): "1536MiB",
		1<<20 + 1: "1.0MiB",
		150 << 20: "150MiB",
		64 << 10:  "64KiB",
	} {
		if got := FormatSize(n); got != want {
			t.Errorf("FormatSize(%d) = %q; want %q", n, got, want)
		}
	}
}
