package stage_test

import (
	"context"
	"fmt"
	"os"

	"appstart/runtime/environ"
	"appstart/runtime/spec"
	"appstart/runtime/stage"
)

// `appstart plan` in miniature: the stages up to workers, in dry-run mode,
// against a cgroup v1 fixture with the platform's 256 MiB RAM limit.
func ExampleRun() {
	s, err := spec.Parse("appstart.toml", []byte(`
[env]
DATABASE_URL = "postgres://app:${CLOUDRON_POSTGRESQL_PASSWORD|url}@db/app"
[workers]
per_worker = "100M"
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	e := &stage.Env{
		Spec:   s,
		Vars:   environ.New([]string{"CLOUDRON_POSTGRESQL_PASSWORD=s3cr3t/pw", "HOSTNAME=abc"}),
		FS:     os.DirFS("../../testdata/cgroup/v1"),
		DryRun: true,
		Plan:   func(line string) { fmt.Println(line) },
	}
	sum, err := stage.Run(context.Background(), e, "workers")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sum.Parts[len(sum.Parts)-1].Text)
	// Output:
	// env: CLOUDRON_POSTGRESQL_PASSWORD=**** (environment)
	// env: DATABASE_URL=postgres://app:****@db/app (env.DATABASE_URL)
	// env: and 1 more inherited variables the spec does not use
	// workers: memory limit 256MiB from cgroup v1, read at /sys/fs/cgroup/memory/memory.limit_in_bytes; with swap 512MiB
	// workers: APPSTART_MEMORY_LIMIT=268435456
	// workers: APPSTART_MEMORY_LIMIT_MB=256
	// workers: APPSTART_MEMORY_SWAP_LIMIT_MB=512
	// workers: WORKERS=2
	// workers=2 from 256MiB cgroup v1
}

func ExampleSummary_String() {
	sum := stage.Summary{Elapsed: 84e6, Parts: []stage.Part{
		{Stage: "dirs", Text: "3 dirs"},
		{Stage: "secrets", Text: "2 secrets (kept)"},
		{Stage: "workers", Text: "workers=3 from 512MiB cgroup v1"},
		{Stage: "first_run", Text: "first_run skipped"},
	}}
	fmt.Println(sum)
	// Output: ready in 84ms: 3 dirs, 2 secrets (kept), workers=3 from 512MiB cgroup v1, first_run skipped
}
