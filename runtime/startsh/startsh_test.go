package startsh

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"appstart/runtime/environ"
	"appstart/runtime/harness/skip"
	"appstart/runtime/spec"
)

var update = flag.Bool("update", false, "rewrite the goldens of testdata")

// TestCorpus converts every testdata/NAME.sh (scripts in the shapes of the
// real packages they name): the spec must be NAME.toml, the kept script
// NAME.kept (none when absent), the spec must pass spec.Parse, the kept
// script `bash -n`, and a second conversion must give the same bytes.
func TestCorpus(t *testing.T) {
	scripts, _ := filepath.Glob("testdata/*.sh")
	if len(scripts) < 7 {
		t.Fatalf("%d scripts in testdata; want at least 7", len(scripts))
	}
	for _, f := range scripts {
		t.Run(filepath.Base(f), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			r, err := Convert(filepath.Base(f), src, Options{})
			if err != nil {
				t.Fatal(err)
			}
			base := strings.TrimSuffix(f, ".sh")
			golden(t, base+".toml", r.Spec)
			golden(t, base+".kept", r.Files[KeptScript])
			if _, err := spec.Parse("appstart.toml", r.Spec); err != nil {
				t.Errorf("the spec fails appstart check: %v", err)
			}
			if r.Converted+r.Kept != r.Statements || r.Statements == 0 {
				t.Errorf("coverage %+v does not add up", r)
			}
			if k := r.Files[KeptScript]; k != nil {
				bashN(t, k)
			}
			again, _ := Convert(filepath.Base(f), src, Options{})
			if !bytes.Equal(again.Spec, r.Spec) || !bytes.Equal(again.Files[KeptScript], r.Files[KeptScript]) {
				t.Error("a second conversion differs")
			}
		})
	}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if got == nil {
			os.Remove(path)
			return
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (go test -update rewrites it):\n--- got\n%s--- want\n%s", path, got, want)
	}
}

func bashN(t *testing.T, script []byte) {
	t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		skip.OrFail(t, "bash is not installed: cannot check the kept script")
	}
	f := filepath.Join(t.TempDir(), KeptScript)
	os.WriteFile(f, script, 0o755)
	if out, err := exec.Command(bash, "-n", f).CombinedOutput(); err != nil {
		t.Errorf("bash -n %s: %v\n%s\n%s", KeptScript, err, out, script)
	}
}

// TestMemoryArithmetic: the filters written for the cgroup arithmetic give
// what bash computed from the limit file, at several limits (the cgroup
// file replaced by a temporary one).
func TestMemoryArithmetic(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		skip.OrFail(t, "bash is not installed")
	}
	src, err := os.ReadFile("testdata/java-cgroup.sh")
	if err != nil {
		t.Fatal(err)
	}
	r, err := Convert("java-cgroup.sh", src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := spec.Parse("appstart.toml", r.Spec)
	if err != nil {
		t.Fatal(err)
	}
	for _, mb := range []int64{256, 1024, 2000, 3072, 8192} {
		dir := t.TempDir()
		limit := filepath.Join(dir, "limit")
		os.WriteFile(limit, []byte(strconv.FormatInt(mb<<20, 10)+"\n"), 0o644)
		// The script's own lines, reading the temporary file instead.
		script := strings.NewReplacer("/sys/fs/cgroup/memory/memory.limit_in_bytes", limit, "/sys/fs/cgroup/memory.max", limit).Replace(string(src))
		script = script[:strings.Index(script, "exec ")] + `printf '%s\n%s\n' "$JAVA_OPTS" "$WORKERS"`
		out, err := exec.Command(bash, "-c", script).Output()
		if err != nil {
			t.Fatalf("bash: %v", err)
		}
		want := strings.Split(strings.TrimSpace(string(out)), "\n")
		vars := map[string]string{"APPSTART_MEMORY_LIMIT_MB": strconv.FormatInt(mb, 10)}
		lookup := func(n string) (string, bool) { v, ok := vars[n]; return v, ok }
		for _, e := range s.Env {
			v, err := environ.Expand(e.Value, lookup)
			if err != nil {
				t.Fatalf("%s: %v", e.Name, err)
			}
			vars[e.Name] = v
		}
		if got := []string{vars["JAVA_OPTS"], vars["WORKERS"]}; got[0] != want[0] || got[1] != want[1] {
			t.Errorf("limit %d MiB: appstart gives JAVA_OPTS %q WORKERS %q; bash gave %q", mb, got[0], got[1], want)
		}
	}
}
