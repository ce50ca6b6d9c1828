// Package stage is appstart's start-up pipeline (issues 4 and 5): everything
// a package's start.sh did before `exec`, in the spec's fixed order, each
// stage idempotent and safe against a crash at any instant. The rule: a
// failed or interrupted start never loses or corrupts data, and the next
// start simply finishes the job.
//
//	env        [env_defaults] where unset, [env] in written order
//	dirs       remove stale files under /run and /tmp; make dirs with owner and mode
//	seed       copy from the image where missing (cp -rn), temp + rename per file
//	secrets    read, or make once (getrandom(2) or a command), atomically; never regenerate
//	workers    count from the cgroup memory limit; then the env_file overrides
//	templates  render ##VAR templates and patch user files; all or nothing
//	chown      only entries whose owner differs, no symlinks, one filesystem
//	first_run  once per volume: needs, commands, then the marker
//	on_upgrade once per package version: commands, then the recorded version
//	on_start   every start, in order
//
// runtime/app builds an Env and calls Run with its Reaper as the Runner:
//
//	e := &stage.Env{
//		Spec:   s,
//		Vars:   environ.New(os.Environ()),
//		Runner: reaper,
//		Output: os.Stderr,
//		Log:    func(f string, a ...any) { fmt.Fprintf(os.Stderr, "appstart: "+f+"\n", a...) },
//		Needs:  sup.StartAndWait,
//	}
//	sum, err := stage.Run(ctx, e, "")
//	// err: "secrets: secret APP_SECRET in /app/data/.app_secret is empty (...)"
//	// sum.String(): "ready in 84ms: 3 dirs, 2 secrets (kept), workers=3 from 512MiB cgroup v1,
//	//                4 templates, chown 12/48213 changed in 31ms, first_run skipped"
//	// e.Vars now holds what programs get.
//
// `appstart plan` sets DryRun and Plan: each stage reports every file with
// owner and mode, every variable with its source (secrets masked), the worker
// count and where the limit came from, and the commands that would run, and
// changes nothing. `appstart task` sets ReadOnly and runs until "workers":
// variables and existing secrets are loaded, nothing is created, and a
// missing secret is an error.
//
// Commands run through the Runner as their user (groups, gid, uid from the
// container's /etc/group and /etc/passwd, HOME, USER and LOGNAME set), with
// stdout and stderr on one pipe streamed to Output and the last lines kept
// for the error. Nothing here waits for a process itself: the Reaper owns
// wait4 (ARCHITECTURE.md).
package stage
