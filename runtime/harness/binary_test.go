package harness_test

import (
	"debug/elf"
	"testing"

	"appstart/runtime/harness"
)

// Binary builds a static appstart that runs in a root holding no Go
// toolchain assumptions: no ELF interpreter, no shared libraries.
func TestBinaryIsStaticAndRunsAsPID1(t *testing.T) {
	t.Parallel()
	harness.Require(t)
	bin := harness.Binary(t)
	if again := harness.Binary(t); again != bin {
		t.Errorf("Binary built twice: %s, then %s", bin, again)
	}
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("%s has an ELF interpreter: not static (CGO_ENABLED=0 missing?)", bin)
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("%s needs shared libraries %v", bin, libs)
	}
	c := harness.Run(t, harness.Options{
		Argv:     []string{"/app/bin/appstart", "version"},
		Binaries: map[string]string{"/app/bin/appstart": bin},
	})
	// Whatever appstart prints while it is being written, it must have been
	// exec'd: 126/127 are the shell's "cannot execute" and "not found".
	if r := c.Wait(wait); r.ExitCode == 126 || r.ExitCode == 127 || r.Signal != 0 {
		t.Errorf("appstart did not run as PID 1: %+v", r)
	}
}
