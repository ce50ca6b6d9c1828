package sysx

import (
	"os"
	"os/exec"
	"strconv"
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
	out := runTestInChild(t, "TestResetIgnoredRealtime", "SYSX_SIGIGN_CHILD")
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

// In a re-executed child (the test process keeps Go's handler): the Go
// runtime's SIGCHLD handler is in place before, gone after, and a child's
// exit status still reaches wait(2), which SIG_IGN would have lost to the
// kernel's own reaping.
func TestDefaultSIGCHLD(t *testing.T) {
	if os.Getenv("SYSX_SIGCHLD_CHILD") == "1" {
		before, err := SIGCHLDHandled()
		if err != nil {
			t.Fatal(err)
		}
		if err := DefaultSIGCHLD(); err != nil {
			t.Fatal(err)
		}
		after, err := SIGCHLDHandled()
		if err != nil {
			t.Fatal(err)
		}
		code := -1
		if err := exec.Command("/bin/sh", "-c", "exit 3").Run(); err != nil {
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else {
				t.Fatal(err) // ECHILD: the kernel reaped it
			}
		}
		os.Stdout.WriteString("handled before=" + strconv.FormatBool(before) + " after=" + strconv.FormatBool(after) +
			" caught=" + sigCgtHas(t, 17) + " exit=" + strconv.Itoa(code) + "\n")
		return
	}
	out := runTestInChild(t, "TestDefaultSIGCHLD", "SYSX_SIGCHLD_CHILD")
	if want := "handled before=true after=false caught=false exit=3"; !strings.Contains(string(out), want) {
		t.Fatalf("child reported %q, want %q", out, want)
	}
}

// sigCgtHas says whether /proc/self/status lists sig among the caught signals.
func sigCgtHas(t *testing.T, sig uint) string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "SigCgt:\t"); ok {
			mask, err := strconv.ParseUint(v, 16, 64)
			if err != nil {
				t.Fatal(err)
			}
			return strconv.FormatBool(mask&(1<<(sig-1)) != 0)
		}
	}
	t.Fatal("no SigCgt in /proc/self/status")
	return ""
}

// runTestInChild runs the test named name in a re-executed test binary with
// env=1 set (the test's child mode) and returns its output.
func runTestInChild(t *testing.T, name, env string) []byte {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run", "^"+name+"$")
	cmd.Env = append(os.Environ(), env+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	return out
}
