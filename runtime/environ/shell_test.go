package environ

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"appstart/runtime/harness/skip"
)

// runShell sources src in sh and returns the values of names as the shell
// sees them. Skips when sh is missing.
func runShell(t *testing.T, src string, names ...string) map[string]string {
	t.Helper()
	sh, err := exec.LookPath("sh")
	if err != nil {
		skip.OrFail(t, "sh is not installed: cannot compare with a real shell")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "env")
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	script := ". " + file + "\n"
	for _, n := range names {
		script += "printf '%s' \"$" + n + "\" > " + filepath.Join(dir, "out."+n) + "\n"
	}
	cmd := exec.Command(sh, "-c", script)
	cmd.Env = []string{"HOME=/home/test", "PATH=/usr/bin:/bin"}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sh: %v\n%s", err, out)
	}
	got := map[string]string{}
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(dir, "out."+n))
		if err != nil {
			t.Fatal(err)
		}
		got[n] = strings.Clone(string(b))
	}
	return got
}
