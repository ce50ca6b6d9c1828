package sysx

import (
	"strings"
	"testing"
)

func TestPrctlSetChildSubreaper(t *testing.T) {
	t.Parallel()
	// In a fresh process: false before (the negative control), true after.
	got := strings.TrimSpace(runHelperProcess(t, "subreaper"))
	if got != "false true" {
		t.Fatalf("subreaper before/after = %q, want \"false true\"", got)
	}
}

func TestPrctlSetNoNewPrivs(t *testing.T) {
	t.Parallel()
	got := runHelperProcess(t, "nonewprivs")
	want := "NoNewPrivs: 0\nNoNewPrivs: 1\n"
	if got != want {
		t.Fatalf("status lines = %q, want %q", got, want)
	}
}
