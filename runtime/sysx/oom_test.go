package sysx

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

func TestWriteOOMScoreAdj(t *testing.T) {
	requireRoot(t) // lowering the value back needs CAP_SYS_RESOURCE
	read := func() int {
		b, err := os.ReadFile("/proc/self/oom_score_adj")
		if err != nil {
			t.Fatal(err)
		}
		n, _ := strconv.Atoi(strings.TrimSpace(string(b)))
		return n
	}
	orig := read()
	t.Cleanup(func() { WriteOOMScoreAdj(0, orig) })
	want := orig + 7
	if want > 1000 {
		want = orig - 7
	}
	if err := WriteOOMScoreAdj(os.Getpid(), want); err != nil {
		t.Fatal(err)
	}
	if got := read(); got != want {
		t.Fatalf("oom_score_adj = %d, want %d", got, want)
	}
	if err := WriteOOMScoreAdj(0, 1001); err == nil {
		t.Fatal("1001 accepted; want an out-of-range error")
	}
	if err := WriteOOMScoreAdj(1<<22+1, 0); !os.IsNotExist(err) {
		t.Fatalf("missing pid: got %v, want a not-exist *os.PathError", err)
	}
}
