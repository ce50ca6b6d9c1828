package scaffold

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"appstart/runtime/environ"
)

// DefaultPort is the port of the program when Options.Port is 0.
const DefaultPort = 3000

// Options are `appstart init`'s flags.
type Options struct {
	// Port the app listens on (its httpPort); 0 means DefaultPort.
	Port int
	// Addons are the manifest's addons, such as "postgresql" or
	// "sendmail"; see Addons. Repeats are ignored; the order does not
	// matter.
	Addons []string
	// Manifest is the CloudronManifest.json the port and addons came from
	// (`appstart init --manifest FILE`), named in the header; "" for none.
	Manifest string
}

// example is one stage's commented example: shown with "# " before each
// line, and parsed by the tests with the comment marks removed.
type example struct {
	doc  string // one line on what the stage does
	toml string
}

// Generate writes a starting appstart.toml: the platform variables'
// defaults for a local run, [env] with each addon's variables listed and
// mapped to common names, a commented example of every stage, [[chown]]
// of /app/data, and one program listening on the port. It asks nothing;
// the result passes `appstart check` as it is.
//
//	out, err := scaffold.Generate(scaffold.Options{Port: 8080, Addons: []string{"postgresql"}})
//	// out holds, among the examples:
//	// [env_defaults]
//	// CLOUDRON_APP_ORIGIN = "http://localhost:8080"
//	// ...
//	// [env]
//	// # postgresql addon: CLOUDRON_POSTGRESQL_URL, CLOUDRON_POSTGRESQL_USERNAME, ...
//	// DATABASE_URL = "${CLOUDRON_POSTGRESQL_URL}"
//	// ...
//	// [programs.app]
//	// command = ["/app/code/server"]
//	// environment = { PORT = "8080" }
//	// ready = "tcp://127.0.0.1:8080"
//
// An unknown addon or a port outside 1-65535 is an error that lists what
// is accepted.
func Generate(opt Options) ([]byte, error) {
	port := opt.Port
	if port == 0 {
		port = DefaultPort
	}
	if port < 1 || port > 65535 {
		return nil, fmt.Errorf("cannot write appstart.toml: port %d is not 1-65535", opt.Port)
	}
	chosen, err := pick(opt.Addons)
	if err != nil {
		return nil, err
	}
	p := strconv.Itoa(port)
	var b strings.Builder
	b.WriteString(header(port, chosen, opt.Manifest))
	b.WriteString("user = \"cloudron\"\n\n")
	writeExample(&b, example{"user override files (KEY=VAL lines the admin may edit); the keys this spec sets win", `env_file = ["/app/data/env"]`})
	writeExample(&b, example{"stale pid files and sockets from a previous run, removed first", `remove = ["/run/app/*.pid"]`})
	b.WriteString("# Used only where the platform did not set the variable (a local `docker run`).\n[env_defaults]\n")
	b.WriteString("CLOUDRON_APP_ORIGIN = \"http://localhost:" + p + "\"\nCLOUDRON_APP_DOMAIN = \"localhost\"\n\n")
	b.WriteString(envSection(chosen))
	for _, ex := range stageExamples(chosen) {
		writeExample(&b, ex)
	}
	b.WriteString("# /app/data is restored from backups and kept across updates: give it to the app user.\n")
	b.WriteString("# Only entries whose owner differs are changed, so this is cheap on every start.\n")
	b.WriteString("[[chown]]\npath = \"/app/data\"\nowner = \"cloudron:cloudron\"\n\n")
	writeExample(&b, example{"commands run once per data volume, before the programs", firstRunExample})
	writeExample(&b, example{"commands run once per package version (migrations on update)", onUpgradeExample})
	writeExample(&b, example{"commands run on every start, in order", onStartExample})
	b.WriteString("# The app. An array is exec'd as it is; a string runs with /bin/sh -c.\n")
	b.WriteString("[programs.app]\ncommand = [\"/app/code/server\"]\ndirectory = \"/app/code\"\n")
	b.WriteString("environment = { PORT = \"" + p + "\" }\nready = \"tcp://127.0.0.1:" + p + "\"\n")
	b.WriteString("# healthcheck = { http = \"http://127.0.0.1:" + p + "/\", interval = \"10s\" }\n")
	if slices.ContainsFunc(chosen, func(a addon) bool { return a.name == "scheduler" }) {
		b.WriteString("\n")
		writeExample(&b, example{"a task for the scheduler addon (manifest: \"command\": \"appstart task cron\")", tasksExample})
	}
	return []byte(strings.TrimRight(b.String(), "\n") + "\n"), nil
}

// pick returns the chosen addons in the table's order, or an error naming
// the unknown ones.
func pick(names []string) ([]addon, error) {
	var unknown []string
	for _, n := range names {
		if _, ok := findAddon(strings.ToLower(strings.TrimSpace(n))); !ok {
			unknown = append(unknown, strconv.Quote(n))
		}
	}
	if unknown != nil {
		return nil, fmt.Errorf("cannot write appstart.toml: unknown addon %s: write one of %s",
			strings.Join(unknown, ", "), strings.Join(Addons(), ", "))
	}
	var out []addon
	for _, a := range addons {
		if slices.ContainsFunc(names, func(n string) bool { return strings.ToLower(strings.TrimSpace(n)) == a.name }) {
			out = append(out, a)
		}
	}
	return out, nil
}

func header(port int, chosen []addon, manifest string) string {
	cmd := "appstart init --port " + strconv.Itoa(port)
	for _, a := range chosen {
		cmd += " --addon " + a.name
	}
	from := ""
	if manifest != "" {
		cmd = "appstart init --manifest " + manifest
		from = "# The port and the addons are the manifest's. Kept beside this file, it also gives the program that\n" +
			"# serves httpPort its ready and healthcheck (healthCheckPath), its persistentDirs are writable, and\n" +
			"# `appstart check` warns about addon variables the manifest does not declare.\n"
	}
	return "# appstart.toml, started by `" + cmd + "`.\n" + from +
		"# On every start appstart runs these stages in order: env, dirs, seed, secrets, workers,\n" +
		"# templates (and patch), chown, first_run, on_upgrade, on_start; then it supervises the programs.\n" +
		"# Each commented block is an example: uncomment and adapt what the package needs.\n" +
		"# `appstart check` validates this file; `appstart plan` shows what a start would do.\n" +
		"# Editors (Taplo / Even Better TOML) complete keys with a first line such as\n" +
		"#   #:schema ./appstart.schema.json   (the file `appstart schema` prints)\n\n"
}

// envSection writes [env]: the app's origin, then per addon the variables
// the platform sets and the example mapping.
func envSection(chosen []addon) string {
	var b strings.Builder
	b.WriteString("# Set for every command and program, in order; ${VAR} expands (${VAR|url} escapes for a URL,\n")
	b.WriteString("# ${VAR:-x} defaults). Templates see the same variables as ##VAR.\n[env]\n")
	b.WriteString("APP_ORIGIN = \"${CLOUDRON_APP_ORIGIN}\"\n")
	used := map[string]bool{"APP_ORIGIN": true}
	for _, a := range chosen {
		if vars := environ.AddonVars(a.name); len(vars) > 0 {
			b.WriteString(wrap("# "+a.name+" addon: ", strings.Join(vars, ", ")))
		} else {
			b.WriteString("# " + a.name + " addon: no variables\n")
		}
		if a.note != "" {
			b.WriteString("#   (" + a.note + ")\n")
		}
		for _, kv := range a.env {
			name := kv[0]
			if used[name] {
				name = strings.ToUpper(a.name) + "_" + name
			}
			used[name] = true
			b.WriteString(name + " = \"" + kv[1] + "\"\n")
		}
	}
	return b.String() + "\n"
}

// wrap writes prefix+list as comment lines of at most about 110 columns.
func wrap(prefix, list string) string {
	var b strings.Builder
	line := prefix
	for i, w := range strings.Split(list, " ") {
		if i > 0 && len(line)+1+len(w) > 110 {
			b.WriteString(line + "\n")
			line = "#   " + w
			continue
		}
		if i > 0 {
			line += " "
		}
		line += w
	}
	return b.String() + line + "\n"
}

func writeExample(b *strings.Builder, ex example) {
	b.WriteString("# " + ex.doc + ":\n")
	for _, l := range strings.Split(ex.toml, "\n") {
		b.WriteString(strings.TrimRight("# "+l, " ") + "\n")
	}
	b.WriteString("\n")
}
