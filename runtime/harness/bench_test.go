package harness_test

import (
	"testing"

	"appstart/runtime/harness"
)

// BenchmarkContainerRun measures a whole container life: build the root,
// run /bin/true as PID 1, tear everything down. It is the fixed cost every
// integration test pays per container.
func BenchmarkContainerRun(b *testing.B) {
	harness.Require(b)
	for b.Loop() {
		in, err := harness.Launch(harness.Options{Argv: []string{"/bin/true"}})
		if err != nil {
			b.Fatal(err)
		}
		if r, err := in.Wait(wait); err != nil || r.ExitCode != 0 {
			b.Fatalf("%+v %v", r, err)
		}
		if err := in.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
