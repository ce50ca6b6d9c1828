package harness

import (
	"os"
	"path/filepath"
	"testing"
)

// What the run made goes; what was there before, or was filled by
// something else meanwhile, stays.
func TestHostTracesRemovesOnlyWhatTheRunMade(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	app, data, locks, kept := filepath.Join(root, "app"), filepath.Join(root, "app", "data"),
		filepath.Join(root, "run", "appstart"), filepath.Join(root, "kept")
	if err := os.MkdirAll(kept, 0o755); err != nil {
		t.Fatal(err)
	}
	h := NewHostTraces(app, data, locks, kept)
	lock := filepath.Join(locks, "spec.lock")
	h.Made(lock)
	// What appstart run does: /app/data, and its lock beside another run's.
	for _, d := range []string{data, locks} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	other := filepath.Join(locks, "another-run.lock")
	for _, f := range []string{lock, other} {
		if err := os.WriteFile(f, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := h.Clean(); err != nil {
		t.Fatal(err)
	}
	for _, gone := range []string{app, lock} {
		if _, err := os.Lstat(gone); !os.IsNotExist(err) {
			t.Errorf("%s is still there (%v)", gone, err)
		}
	}
	for _, stays := range []string{kept, other} {
		if _, err := os.Lstat(stays); err != nil {
			t.Errorf("%s was removed: %v", stays, err)
		}
	}
}
