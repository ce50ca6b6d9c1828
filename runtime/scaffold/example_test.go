package scaffold_test

import (
	"fmt"
	"strings"

	"appstart/runtime/scaffold"
)

func ExampleGenerate() {
	out, err := scaffold.Generate(scaffold.Options{Port: 8080, Addons: []string{"postgresql"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, "CLOUDRON_APP_ORIGIN") || strings.HasPrefix(l, "DATABASE_URL") ||
			strings.HasPrefix(l, "[programs.") || strings.HasPrefix(l, "environment") || strings.HasPrefix(l, "ready") {
			fmt.Println(l)
		}
	}
	// Output:
	// CLOUDRON_APP_ORIGIN = "http://localhost:8080"
	// DATABASE_URL = "${CLOUDRON_POSTGRESQL_URL}"
	// [programs.app]
	// environment = { PORT = "8080" }
	// ready = "tcp://127.0.0.1:8080"
}
