// Command appstart is the init of an app container: it runs the start-up
// stages of appstart.toml, then stays as PID 1 supervising the programs.
package main

import (
	"os"

	"appstart/runtime/app"
	"appstart/runtime/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], app.IO{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Env: os.Environ()}))
}
