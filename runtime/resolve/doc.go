// Package resolve is the one road from a spec to what a start does: it
// takes the decoded spec, the environment and the image's facts (passwd
// and group, PATH and file modes, files present) and finds every problem a
// start would hit, placed on the spec line where the key is written; then,
// once the stages have composed the environment, it binds each program to
// its concrete launch (argv, environment, credentials, typed probes,
// instances, order).
//
// check, plan and run all call it, so a spec `appstart check` accepts is
// a spec whose start cannot fail resolution: check binds with placeholder
// values for the variables the platform sets at run time, run binds with
// the real ones, and both go through the same functions.
//
//	plan, problems := resolve.Resolve(s, resolve.System(env), resolve.Input{Mode: resolve.Check})
//	// problems[0].String(): "appstart.toml:9: programs.web.command: /app/code/start.sh is not executable by cloudron (uid 1000): mode -rwxr--r-- owned by uid 0"
//	progs, problems := plan.Bind(vars, probe) // after the env stages, in run
//
// Facts are injected, so everything here is tested without root.
package resolve
