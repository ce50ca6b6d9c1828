package spec

import (
	"strings"
	"testing"

	"appstart/runtime/cgroup"
)

func TestParseSize(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{
		"150M": 150 << 20, "150m": 150 << 20, "150MB": 150 << 20, "150MiB": 150 << 20, "150mib": 150 << 20,
		"150 M": 150 << 20, "1 GiB": 1 << 30, " 8M ": 8 << 20, "2G": 2 << 30, "1.5g": 3 << 29, "4096": 4096,
		"4096B": 4096, "512K": 512 << 10, "1T": 1 << 40, "8191T": 8191 << 40, "100b": 100, "0": 0, "0.5": 0,
		"0.1K": 102, // a fraction rounds down to whole bytes, with no float error
	} {
		got, err := ParseSize(in)
		if err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for in, want := range map[string]string{
		"150Q": `unknown unit in "150Q"`, "150MX": "unknown unit", "150BB": "unknown unit", "150 M X": "unknown unit",
		"1MM": "unknown unit", "": "cannot read", "M": "cannot read", "lots": "cannot read", "-1G": "cannot read",
		"1.2.3M": "cannot read", "1..5G": "cannot read", ".5M": "cannot read", "5.M": "cannot read",
		"8388608T": "too large", "99999999999T": "too large", "99999999999999999999999": "too large",
	} {
		_, err := ParseSize(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseSize(%q) error = %v; want it to contain %q", in, err, want)
		}
	}
}

// What the start-up summary prints (cgroup.FormatSize) reads back.
func TestParseSizeRoundTrip(t *testing.T) {
	t.Parallel()
	for _, n := range []int64{1 << 10, 150 << 20, 2 << 30, 3 << 29, 5 << 40} {
		got, err := ParseSize(cgroup.FormatSize(n))
		if err != nil || got != n {
			t.Errorf("ParseSize(FormatSize(%d) = %q) = %d, %v", n, cgroup.FormatSize(n), got, err)
		}
	}
}

func TestConvSize(t *testing.T) {
	checkConv(t, "size", convSize, []convCase{
		{in: "150M", want: int64(150 << 20)},
		{in: int64(1 << 20), want: int64(1 << 20)},
		{in: int64(0), wantErr: "more than 0"},
		{in: "0G", wantErr: "more than 0"},
		{in: "150Q", wantErr: `unknown unit in "150Q"`},
		{in: 1.5, wantErr: "want a size"},
	})
}
