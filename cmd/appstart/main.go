// Command appstart is the init of an app container: it runs the start-up
// stages of appstart.toml, then stays as PID 1 supervising the programs.
//
// GOMAXPROCS is sized from the CPU limit once, at start, and not followed:
// following it wakes an idle PID 1 every second to read the cgroup again,
// and an init that mostly waits on its children gains nothing from it.
//
//go:debug updatemaxprocs=0
package main

import (
	"os"

	"appstart/runtime/app"
	"appstart/runtime/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], app.IO{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Env: os.Environ()}))
}
