package spec_test

import (
	"fmt"
	"time"

	"appstart/runtime/spec"
)

func ExampleParse() {
	s, err := spec.Parse("appstart.toml", []byte(`
[env]
APP_URL = "${CLOUDRON_APP_ORIGIN}"

[programs.web]
command = ["node", "/app/code/server.js"]
stopsignal = "quit"
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	web := s.Program("web")
	fmt.Println(s.User, web.User, web.StopSignal, web.StopWaitSecs, web.AutoRestart, s.Env[0].Name)
	// Output: cloudron cloudron quit 10s unexpected APP_URL
}

func ExampleParse_problems() {
	_, err := spec.Parse("appstart.toml", []byte(`[programs.web]
comand = ["node", "server.js"]
after = ["redis"]

[[dirs]]
path = "/etc/app"
mode = "0999"
`))
	fmt.Println(err)
	// Output:
	// appstart.toml:2: programs.web: unknown key "comand", did you mean "command"?
	// appstart.toml:3: programs.web.after[1]: no program "redis" (programs: web)
	// appstart.toml:6: dirs[1].path: "/etc/app" is on the read-only root: write under /run, /tmp or /app/data (e.g. "/run/app"), and symlink it from the image at build time
	// appstart.toml:7: dirs[1].mode: "0999" is not an octal mode: write 3 or 4 octal digits such as "0750" (rwxr-x---)
}

func ExampleParseCron() {
	c, err := spec.ParseCron("*/15 9-17 * * mon-fri")
	if err != nil {
		fmt.Println(err)
		return
	}
	friday := time.Date(2025, 3, 7, 17, 50, 0, 0, time.UTC)
	fmt.Println(c.Next(friday).Format("Mon 2006-01-02 15:04"))
	// Output: Mon 2025-03-10 09:00
}

func ExampleFind() {
	exists := func(p string) bool { return p == "/app/code/appstart.toml" }
	noEnv := func(string) string { return "" }
	path, _ := spec.Find("", noEnv, exists)
	fmt.Println(path)
	_, err := spec.Find("", noEnv, func(string) bool { return false })
	fmt.Println(err)
	// Output:
	// /app/code/appstart.toml
	// cannot find spec: looked at --config (not given), $APPSTART_CONFIG (not set), /app/pkg/appstart.toml, /app/code/appstart.toml: write one there or pass --config FILE
}

func ExampleKnownKeys() {
	for _, k := range spec.KnownKeys() {
		if k.Name == "secrets" {
			for _, sub := range k.Keys {
				fmt.Printf("%s %s %v\n", sub.Name, sub.Kind, sub.Default)
			}
		}
	}
	// Output:
	// name variable name <nil>
	// file writable path <nil>
	// bytes integer 32
	// encoding enum hex
	// owner owner <nil>
	// mode mode 0600
	// command command <nil>
	// when condition <nil>
	// unless condition <nil>
}

func ExampleSkip() {
	env := map[string]string{"CLOUDRON_LDAP_SERVER": ""}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	exists := func(string) bool { return false }
	fmt.Println(spec.Skip(spec.Cond{Var: "CLOUDRON_LDAP_SERVER"}, spec.Cond{}, lookup, exists))
	// Output: true when CLOUDRON_LDAP_SERVER: not set
}
