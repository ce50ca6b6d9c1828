// Command gen prints the JSON Schema of appstart.toml; the checked-in copy
// at the repository root is refreshed with
//
//	go run ./runtime/schema/gen > appstart.schema.json
package main

import (
	"os"

	"appstart/runtime/schema"
)

func main() {
	if _, err := os.Stdout.Write(schema.Generate()); err != nil {
		os.Stderr.WriteString("gen: cannot write the schema: " + err.Error() + "\n")
		os.Exit(1)
	}
}
