package harness_test

import (
	"strings"
	"testing"

	"appstart/runtime/harness"
)

func TestInvalidOptionsAreAllReported(t *testing.T) {
	t.Parallel()
	_, err := harness.Launch(harness.Options{
		Env:         []string{"NOVALUE"},
		Pkg:         map[string]string{"../escape": ""},
		PkgDir:      "/nonexistent-pkg",
		MemoryLimit: 10, RAMLimit: 20,
		Mounts: []harness.Mount{{Source: "/nonexistent-src", Target: "/usr/nonexistent/x"}, {Source: "/bin", Target: "/run/x"}},
	})
	if err == nil {
		t.Fatal("want an error")
	}
	for _, want := range []string{
		"Argv is empty",
		`Env entry "NOVALUE" is not NAME=VALUE`,
		"Pkg and PkgDir are both set",
		`Pkg file "../escape"`,
		"PkgDir: stat /nonexistent-pkg",
		"RAMLimit 20 must be between 1 and MemoryLimit 10",
		"stat /nonexistent-src",
		`mount target "/usr/nonexistent/x": is outside /app and does not exist on the host`,
		`mount target "/run/x": lies in /run`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in:\n%v", want, err)
		}
	}
}
