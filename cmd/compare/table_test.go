package main

import (
	"strings"
	"testing"
	"time"
)

func TestTableRender(t *testing.T) {
	t.Parallel()
	tb := &table{
		header: []string{"title"},
		peers:  []peer{{kind: kindAppstart}, {kind: kindTini}, {kind: kindSupervisord, missing: "not installed"}},
	}
	n := tb.note("one child")
	tb.add("rss", "≤ 4 MiB", map[peerKind]string{kindAppstart: "a | b", kindTini: "1 MiB" + n + tb.note("one child")})
	tb.add("size", "—", map[peerKind]string{kindAppstart: "4 MiB"})
	var b strings.Builder
	tb.render(&b)
	want := `title

| measurement | appstart | tini | supervisord | target |
|---|---|---|---|---|
| rss | a \| b | 1 MiB [1] [1] | not installed | ≤ 4 MiB |
| size | 4 MiB | — | not installed | — |

[1] one child  
`
	if b.String() != want {
		t.Fatalf("render:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestMedian(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	for _, tc := range []struct {
		in   []time.Duration
		want time.Duration
	}{
		{nil, 0},
		{[]time.Duration{3 * ms}, 3 * ms},
		{[]time.Duration{9 * ms, 1 * ms, 5 * ms}, 5 * ms},
		{[]time.Duration{4 * ms, 1 * ms, 2 * ms, 100 * ms}, 3 * ms},
	} {
		if got := median(tc.in); got != tc.want {
			t.Errorf("median(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestFormats(t *testing.T) {
	t.Parallel()
	for got, want := range map[string]string{
		fmtCount(10000):                 "10,000",
		fmtCount(999):                   "999",
		fmtCount(1234567):               "1,234,567",
		fmtDur(1930 * time.Microsecond): "1.93 ms",
		fmtDur(214 * time.Millisecond):  "214 ms",
		fmtDur(1040 * time.Millisecond): "1.04 s",
		fmtSize(18552):                  "18 KiB",
		fmtSize(4 << 20):                "4.0 MiB",
		fmtRatio(0.954):                 "0.95×",
	} {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}
