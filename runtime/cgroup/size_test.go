package cgroup

import (
	"strings"
	"testing"
)

func TestParseSize(t *testing.T) {
	t.Parallel()
	good := map[string]int64{
		"150M":   150 << 20,
		"150m":   150 << 20,
		"150MB":  150 << 20,
		"150MiB": 150 << 20,
		"150mib": 150 << 20,
		"2G":     2 << 30,
		"2GiB":   2 << 30,
		"1T":     1 << 40,
		"64K":    64 << 10,
		"4096":   4096,
		"4096B":  4096,
		" 8M ":   8 << 20,
		"0":      0,
		"1.5G":   3 << 29,
		"0.1K":   102, // rounded down, no float error
		"0.5":    0,
		"8191T":  8191 << 40,
		"150 M":  150 << 20,
		"1 GiB":  1 << 30,
	}
	for in, want := range good {
		got, err := ParseSize(in)
		if err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	bad := map[string]string{
		"150Q":                    `cannot parse size "150Q": unknown unit "Q"`,
		"":                        "no number",
		"M":                       "no number",
		"-1M":                     "no number",
		"1..5G":                   "malformed number",
		"1.G":                     "malformed number",
		".5G":                     "malformed number",
		"150 M X":                 "unknown unit",
		"150MX":                   "unknown unit",
		"150BB":                   "unknown unit",
		"8388608T":                "too large",
		"99999999999999999999999": "too large",
	}
	for in, want := range bad {
		_, err := ParseSize(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseSize(%q) error = %v; want it to contain %q", in, err, want)
		}
	}
}

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

func TestParseSizeRoundTrip(t *testing.T) {
	t.Parallel()
	for _, n := range []int64{1 << 10, 150 << 20, 2 << 30, 3 << 29, 5 << 40} {
		got, err := ParseSize(FormatSize(n))
		if err != nil || got != n {
			t.Errorf("ParseSize(FormatSize(%d) = %q) = %d, %v", n, FormatSize(n), got, err)
		}
	}
}
