package environ_test

import (
	"fmt"
	"strings"

	"appstart/runtime/environ"
)

// The package doc's composition, run.
func Example() {
	env := environ.New([]string{"CLOUDRON_POSTGRESQL_PASSWORD=p@ss/w", "PATH=/usr/bin"})
	if err := env.AddDefaults("env_defaults", []environ.Pair{{Name: "CLOUDRON_APP_ORIGIN", Value: "http://localhost:3000"}}); err != nil {
		panic(err)
	}
	if err := env.AddEntries("env", []environ.Pair{
		{Name: "DATABASE_URL", Value: "postgres://app:${CLOUDRON_POSTGRESQL_PASSWORD|url}@db/app"},
		{Name: "LOG_LEVEL", Value: "info"},
	}, environ.Spec); err != nil {
		panic(err)
	}
	env.Set(environ.Var{Name: "WORKERS", Value: "4", Source: environ.Workers, Origin: "workers"})
	entries, err := environ.ParseEnvFile("/app/data/env", strings.NewReader("export LOG_LEVEL=debug\nMY_FLAG='on'\n"))
	if err != nil {
		panic(err)
	}
	for _, ig := range env.AddOverrides("/app/data/env", entries, nil) {
		fmt.Println(ig)
	}
	m := env.Masker()
	for _, v := range env.Vars() {
		fmt.Printf("%-28s %-12s %s\n", v.Name, v.Source, m.Var(v))
	}
	// Output:
	// /app/data/env:1: LOG_LEVEL is managed by env.LOG_LEVEL and not overridable; the entry is ignored
	// CLOUDRON_POSTGRESQL_PASSWORD environment  ****
	// PATH                         environment  /usr/bin
	// CLOUDRON_APP_ORIGIN          env_defaults http://localhost:3000
	// DATABASE_URL                 env          postgres://app:****@db/app
	// LOG_LEVEL                    env          info
	// WORKERS                      workers      4
	// MY_FLAG                      env_file     on
}

func ExampleExpand() {
	lookup := func(k string) (string, bool) { v, ok := map[string]string{"PW": "p@ss/w"}[k]; return v, ok }
	s, err := environ.Expand("postgres://u:${PW|url}@db/${DB:-app} costs $$5, $HOME stays", lookup)
	fmt.Println(s, err)
	_, err = environ.Expand("${CLOUDRON_MYSQL_HOST}:${CLOUDRON_MYSQL_PORT}", lookup)
	fmt.Println(err)
	// Output:
	// postgres://u:p%40ss%2Fw@db/app costs $5, $HOME stays <nil>
	// ${CLOUDRON_MYSQL_HOST} is not set (write ${CLOUDRON_MYSQL_HOST:-} if it may be absent); ${CLOUDRON_MYSQL_PORT} is not set (write ${CLOUDRON_MYSQL_PORT:-} if it may be absent)
}

func ExampleEnv_AddEntries() {
	env := environ.New(nil)
	err := env.AddEntries("env", []environ.Pair{
		{Name: "DB_URL", Value: "postgres://${DB_USER}@db/app"},
		{Name: "DB_USER", Value: "app"},
	}, environ.Spec)
	fmt.Println(err)
	// Output: env.DB_URL: ${DB_USER} refers to env.DB_USER, which is defined later: move DB_USER above DB_URL
}

func ExampleMasker() {
	m := environ.NewMasker("s3cr3t/pass")
	fmt.Println(m.Mask("connecting to postgres://app:s3cr3t%2Fpass@db"))
	// Output: connecting to postgres://app:****@db
}

func ExampleParseDockerEnvFile() {
	lookup := func(k string) (string, bool) { return "from-env", k == "PASSED" }
	entries, _ := environ.ParseDockerEnvFile("local.env", strings.NewReader("A=\"quoted\"\nPASSED\nUNSET\n"), lookup)
	for _, e := range entries {
		fmt.Printf("%s=%s\n", e.Name, e.Value)
	}
	// Output:
	// A="quoted"
	// PASSED=from-env
}
