package cli

import (
	"appstart/runtime/app"
	"appstart/runtime/schema"
)

func schemaCmd() command {
	return command{name: "schema", summary: "print the JSON Schema of appstart.toml, for editors", run: schemaMain,
		about: "For example: appstart schema > appstart.schema.json, then point the editor's TOML\nlanguage server (taplo, Even Better TOML) at it."}
}

// schemaMain prints the JSON Schema of appstart.toml, for editors.
func schemaMain(std app.IO, args []string) int {
	f := newFlags("schema", std)
	if _, code, ok := f.parseArgs(args, 0, 0); !ok {
		return code
	}
	_, _ = std.Stdout.Write(schema.Generate())
	return app.ExitOK
}
