package sysx

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// The test re-executes itself with signal 32 ignored (as a shell or make can
// leave it) and reads the child's SigIgn before and after the reset.
func TestResetIgnoredRealtime(t *testing.T) {
	if os.Getenv("SYSX_SIGIGN_CHILD") == "1" {
		var act kernelSigaction
		act.handler = sigIGN
		if err := rtSigaction(32, &act, nil); err != nil {
			t.Fatal(err)
		}
		before := sigIgn(t)
		n, err := ResetIgnoredRealtime()
		if err != nil {
			t.Fatal(err)
		}
		after := sigIgn(t)
		os.Stdout.WriteString("before=" + before + " after=" + after + " n=" + itoa(n) + "\n")
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run", "^TestResetIgnoredRealtime$")
	cmd.Env = append(os.Environ(), "SYSX_SIGIGN_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	// Negative control: the ignore really was in place before the reset.
	if !strings.Contains(string(out), "before=0000000080000000 after=0000000000000000 n=1") {
		t.Fatalf("child reported %q, want signal 32 ignored before and default after", out)
	}
}

func sigIgn(t *testing.T) string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "SigIgn:") {
			return strings.TrimSpace(strings.TrimPrefix(l, "SigIgn:"))
		}
	}
	return ""
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}
