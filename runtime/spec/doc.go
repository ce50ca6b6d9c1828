// Package spec loads appstart.toml: a strict decode with BurntSushi/toml,
// defaults, and validation, producing a resolved *Spec in which every value
// is concrete and typed (durations, modes, sizes, signals, enums) and
// nothing is left unset except where unset has a documented meaning (an
// absent [workers] table is a nil *Workers, a patch's empty Owner keeps the
// file's). Values holding ${VAR} expressions stay strings, expanded at run
// time by runtime/environ; owners stay "user[:group]" strings, resolved by
// runtime/ident.
//
// Every problem is collected and reported at once, sorted by line, one per
// line, each naming its key path and what to write instead:
//
//	s, err := spec.Load("/app/pkg/appstart.toml")
//	// appstart.toml:12: programs.web: unknown key "comand", did you mean "command"?
//	// appstart.toml:14: programs.web.after[1]: no program "reddis", did you mean "redis"?
//	// appstart.toml:21: dirs[2].path: "/etc/app" is on the read-only root: write under /run, /tmp or /app/data (...)
//
// Array elements are counted from 1 in key paths (dirs[2] is the second
// [[dirs]] block), as a reader counts them. Warnings (things that load
// but deserve a look, such as stop waits longer than the platform's grace
// period) are in Spec.Warnings, or in Error.Warnings beside the problems.
//
// The key table (KnownKeys) is the single source of truth for the format:
// the decoder walks it, defaults and unknown-key suggestions come from it,
// and a test checks that every field of every spec struct is named in it.
// Each stage's part of the spec is one small struct in its own file
// (dirs.go, secrets.go, program.go...), with the checks that need more
// than one key.
//
// Key positions: BurntSushi/toml v1.6 keeps them private and keeps one
// position per key string (the second [[dirs]] overwrites the first's), so
// a small scan of the source (locate.go), run after the library accepted
// it, maps each key path with its array indices to a line. The same scan
// gives the written order of [env] and other order-sensitive tables.
package spec
