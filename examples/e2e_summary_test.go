package examples_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// e2eRow is one example's line of the `make e2e` summary; a run that never
// got that far leaves its fields zero, shown as "-".
type e2eRow struct {
	example string
	build   time.Duration
	ready   [2]time.Duration // from `docker run` to the ready line, per run
	stop    [2]time.Duration // `docker stop`, per run
	exit    [2]int
	stopped [2]bool
	failed  bool
}

// e2eSummary collects the rows; subtests fill their own row.
type e2eSummary struct {
	mu   sync.Mutex
	rows []*e2eRow
}

func (s *e2eSummary) row(example string) *e2eRow {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := &e2eRow{example: example}
	s.rows = append(s.rows, r)
	return r
}

// markdown renders the table the README quotes.
//
//	| example | image build | start to ready (run 1 / 2) | docker stop (run 1 / 2) | exit codes | result |
//	|---|---|---|---|---|---|
//	| hello | 1.52s | 0.61s / 0.58s | 0.21s / 0.20s | 0 / 0 | ok |
func (s *e2eSummary) markdown() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b strings.Builder
	b.WriteString("| example | image build | start to ready (run 1 / 2) | docker stop (run 1 / 2) | exit codes | result |\n")
	b.WriteString("|---|---|---|---|---|---|\n")
	for _, r := range s.rows {
		result := "ok"
		if r.failed {
			result = "FAIL"
		}
		fmt.Fprintf(&b, "| %s | %s | %s / %s | %s / %s | %s / %s | %s |\n", r.example, seconds(r.build),
			seconds(r.ready[0]), seconds(r.ready[1]), seconds(r.stop[0]), seconds(r.stop[1]),
			exitText(r.exit[0], r.stopped[0]), exitText(r.exit[1], r.stopped[1]), result)
	}
	return b.String()
}

func seconds(d time.Duration) string {
	if d == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2fs", d.Seconds())
}

func exitText(code int, stopped bool) string {
	if !stopped {
		return "-"
	}
	return fmt.Sprint(code)
}

func TestE2ESummaryMarkdown(t *testing.T) {
	t.Parallel()
	var s e2eSummary
	r := s.row("hello")
	r.build = 1520 * time.Millisecond
	r.ready = [2]time.Duration{610 * time.Millisecond, 580 * time.Millisecond}
	r.stop = [2]time.Duration{210 * time.Millisecond, 204 * time.Millisecond}
	r.stopped = [2]bool{true, true}
	f := s.row("nginx-php")
	f.build = 3 * time.Second
	f.ready[0] = 2 * time.Second
	f.stop[0], f.exit[0], f.stopped[0] = 10*time.Second, 137, true
	f.failed = true
	want := "| example | image build | start to ready (run 1 / 2) | docker stop (run 1 / 2) | exit codes | result |\n" +
		"|---|---|---|---|---|---|\n" +
		"| hello | 1.52s | 0.61s / 0.58s | 0.21s / 0.20s | 0 / 0 | ok |\n" +
		"| nginx-php | 3.00s | 2.00s / - | 10.00s / - | 137 / - | FAIL |\n"
	if got := s.markdown(); got != want {
		t.Errorf("markdown:\n%s\nwant:\n%s", got, want)
	}
}
