package spec

import (
	"testing"
)

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{
		"150M": 150 << 20, "150m": 150 << 20, "150MB": 150 << 20, "150MiB": 150 << 20, "150 M": 150 << 20,
		"2G": 2 << 30, "1.5g": 3 << 29, "4096": 4096, "512K": 512 << 10, "1T": 1 << 40, "100b": 100,
		"0.1K": 102, // a fraction rounds down to whole bytes
	} {
		got, err := ParseSize(in)
		if err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"150Q", "", "M", "1.2.3M", ".5M", "5.M", "1MM", "lots", "-1G", "99999999999T"} {
		if got, err := ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) = %d, want an error", in, got)
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
