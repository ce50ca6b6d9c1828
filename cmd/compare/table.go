package main

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
)

// table is the one markdown table the program prints: a row per
// measurement, a column per init, the target, then numbered notes.
//
// Example:
//
//	t := &table{peers: ps}
//	t.add("idle RSS", "≤ 4 MiB", map[peerKind]string{kindAppstart: "2.9 MiB", kindTini: "0.5 MiB" + t.note("one child: sh -c ...")})
//	t.render(os.Stdout)
//
// prints
//
//	| measurement | appstart | tini | target |
//	| --- | --- | --- | --- |
//	| idle RSS | 2.9 MiB | 0.5 MiB [1] | ≤ 4 MiB |
//
//	[1] one child: sh -c ...
type table struct {
	header []string
	peers  []peer
	rows   []row
	notes  []string
}

type row struct {
	metric string
	cells  map[peerKind]string
	target string
}

func (t *table) add(metric, target string, cells map[peerKind]string) {
	t.rows = append(t.rows, row{metric: metric, cells: cells, target: target})
}

// note registers a footnote once and returns its marker, " [n]".
func (t *table) note(text string) string {
	for i, n := range t.notes {
		if n == text {
			return fmt.Sprintf(" [%d]", i+1)
		}
	}
	t.notes = append(t.notes, text)
	return fmt.Sprintf(" [%d]", len(t.notes))
}

func (t *table) render(w io.Writer) {
	for _, h := range t.header {
		fmt.Fprintln(w, h)
	}
	if len(t.header) > 0 {
		fmt.Fprintln(w)
	}
	cols := []string{"measurement"}
	for _, p := range t.peers {
		cols = append(cols, string(p.kind))
	}
	cols = append(cols, "target")
	line := func(cells []string) {
		for i := range cells {
			cells[i] = strings.ReplaceAll(cells[i], "|", `\|`)
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
	}
	line(cols)
	sep := make([]string, len(cols))
	for i := range sep {
		sep[i] = "---"
	}
	fmt.Fprintf(w, "|%s|\n", strings.Join(sep, "|"))
	for _, r := range t.rows {
		cells := []string{r.metric}
		for _, p := range t.peers {
			c, ok := r.cells[p.kind]
			switch {
			case p.missing != "":
				c = p.missing
			case !ok || c == "":
				c = "—"
			}
			cells = append(cells, c)
		}
		line(append(cells, r.target))
	}
	if len(t.notes) > 0 {
		fmt.Fprintln(w)
	}
	for i, n := range t.notes {
		fmt.Fprintf(w, "[%d] %s  \n", i+1, n)
	}
}

// Formatting of the figures.

func fmtMiB(bytes int64) string { return fmt.Sprintf("%.1f MiB", float64(bytes)/(1<<20)) }

func fmtSize(bytes int64) string {
	if bytes >= 1<<20 {
		return fmtMiB(bytes)
	}
	return fmt.Sprintf("%d KiB", (bytes+512)>>10)
}

// fmtDur prints a duration with three significant digits in ms or s.
func fmtDur(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case ms < 10:
		return fmt.Sprintf("%.2f ms", ms)
	case ms < 1000:
		return fmt.Sprintf("%.0f ms", ms)
	default:
		return fmt.Sprintf("%.2f s", ms/1000)
	}
}

// fmtCount prints a count with thousands separators: 26000 -> "26,000".
func fmtCount(f float64) string {
	s := strconv.FormatInt(int64(f+0.5), 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func fmtRatio(r float64) string { return fmt.Sprintf("%.2f×", r) }

// median of ds (the mean of the middle two for an even count); 0 for none.
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// failed is the cell of a measurement that could not be taken.
func failed(err error) string {
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return "failed: " + msg
}
