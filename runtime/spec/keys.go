package spec

// Key describes one key of appstart.toml. The table of Keys (KnownKeys) is
// the single source of truth for the format: the decoder walks it, defaults
// come from it, unknown-key suggestions are drawn from it, a test checks
// that every field of every spec struct is named in it, and a JSON Schema
// can be generated from it (issue 8).
//
//	spec.Key{Name: "mode", Kind: spec.KindMode, Default: "0755",
//		Doc: "permissions of the directory", Example: `"0750"`}
type Key struct {
	// Name is the TOML key. Under a KindNamed or KindEnv table the names
	// are the author's own (programs.web, env.APP_URL).
	Name string
	Kind Kind
	// Doc is one line for humans; Example a TOML value as one would write
	// it, used in "add ..." hints.
	Doc     string
	Example string
	// Required keys have no default; a missing one is an error.
	Required bool
	// Default is the TOML value (string, int64, bool or []any) used when
	// the key is absent; nil when there is none. DefaultDoc describes a
	// default that is not a constant ("the top-level user").
	Default    any
	DefaultDoc string
	// Enum lists the accepted values of a KindEnum key.
	Enum []string
	// Min is the smallest accepted value of a KindInt key; Max, when not
	// 0, the largest.
	Min int
	Max int
	// Keys are the keys of each table of a KindTable, KindTables,
	// KindNamed or KindSteps key.
	Keys []Key

	field     string // the Go struct field the value goes to
	nameField string // KindNamed: the field that receives the table's name
}

// Kind is the type of a key's value, which fixes both what may be written
// and the Go type it becomes.
type Kind int

// The kinds, each with the TOML it accepts and the Go type it yields.
const (
	KindString    Kind = iota // string (may hold ${VAR}) -> string
	KindBool                  // boolean -> bool
	KindInt                   // integer >= Min -> int
	KindSeconds               // whole seconds, or a duration string -> time.Duration
	KindDuration              // duration string "10s", "1m30s" -> time.Duration
	KindMode                  // octal string "0750" -> fs.FileMode
	KindSize                  // "150M", "2GiB" or bytes -> int64
	KindSignal                // "TERM", "SIGTERM", "term" -> syscall.Signal
	KindSignals               // array of signal names -> []syscall.Signal
	KindOwner                 // "user" or "user:group", names or ids -> string
	KindCond                  // "VAR" or "exists:/path" -> Cond
	KindPath                  // absolute path -> string
	KindWritable              // absolute path under /run, /tmp or /app/data -> string
	KindPaths                 // array of absolute paths -> []string
	KindRemove                // array of globs under /run or /tmp -> []string
	KindRoots                 // array of directories outside the image's own -> []string
	KindEnvName               // variable name -> string
	KindEnvNames              // array of variable names -> []string
	KindPrograms              // array of program names -> []string
	KindEnum                  // one of Enum -> a typed string (Encoding, Escape...)
	KindCommand               // array of strings (exec) or string (sh -c) -> Command
	KindSteps                 // array of commands or {command=..., creates=...} -> []Step
	KindEnv                   // table NAME = "value", kept in written order -> []Pair
	KindPatchKeys             // table "dotted.path" = "value", in written order -> []Pair
	KindExitCodes             // array of integers 0-255 -> []int
	KindReady                 // "tcp://h:p", "http://...", "file:/p" or a command -> Probe
	KindCron                  // 5-field cron expression -> *Cron
	KindInstances             // positive integer or "${VAR}" -> string
	KindURL                   // http:// or https:// URL -> string
	KindAddr                  // "host:port" or "tcp://host:port" -> string "host:port"
	KindTable                 // table -> struct (pointer when optional)
	KindTables                // array of tables [[x]] -> []struct
	KindNamed                 // table of NAME = table ([programs.NAME]) -> []struct by name
)

var kindNames = [...]string{
	KindString: "string", KindBool: "boolean", KindInt: "integer", KindSeconds: "seconds",
	KindDuration: "duration", KindMode: "mode", KindSize: "size", KindSignal: "signal",
	KindSignals: "signals", KindOwner: "owner", KindCond: "condition", KindPath: "path",
	KindWritable: "writable path", KindPaths: "paths", KindRemove: "remove globs", KindRoots: "writable directories",
	KindEnvName: "variable name", KindEnvNames: "variable names", KindPrograms: "program names",
	KindEnum: "enum", KindCommand: "command", KindSteps: "commands", KindEnv: "environment",
	KindPatchKeys: "patch keys", KindExitCodes: "exit codes", KindReady: "ready probe",
	KindCron: "cron schedule", KindInstances: "instances", KindURL: "url", KindAddr: "address",
	KindTable: "table", KindTables: "array of tables", KindNamed: "named tables",
}

// String names the kind for documentation ("mode", "writable path").
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "invalid"
}

// KnownKeys returns the top-level keys of appstart.toml, each with its
// sub-keys, as a deep copy the caller may keep or change.
//
//	for _, k := range spec.KnownKeys() {
//		fmt.Println(k.Name, k.Kind) // "user owner", "env_file paths", ...
//	}
func KnownKeys() []Key { return copyKeys(topKeys) }

func copyKeys(ks []Key) []Key {
	if ks == nil {
		return nil
	}
	out := make([]Key, len(ks))
	for i, k := range ks {
		k.Enum = append([]string(nil), k.Enum...)
		if d, ok := k.Default.([]any); ok {
			k.Default = append([]any(nil), d...)
		}
		k.Keys = copyKeys(k.Keys)
		out[i] = k
	}
	return out
}

// findKey returns the key named name in ks, or nil.
func findKey(ks []Key, name string) *Key {
	for i := range ks {
		if ks[i].Name == name {
			return &ks[i]
		}
	}
	return nil
}
