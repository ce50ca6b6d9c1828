package sysx

import (
	"bytes"
	"os"
	"testing"

	"appstart/runtime/harness/skip"
)

func TestIsTerminal(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if IsTerminal(w) || IsTerminal(&bytes.Buffer{}) {
		t.Errorf("a pipe or a buffer is taken for a terminal")
	}
	ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		skip.OrFail(t, "no pseudo-terminal to test with: %v", err)
	}
	defer ptmx.Close()
	if !IsTerminal(ptmx) {
		t.Errorf("a pseudo-terminal master is not taken for a terminal")
	}
}
