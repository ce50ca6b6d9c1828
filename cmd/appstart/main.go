// Command appstart is the init of an app container: it runs the start-up
// stages of appstart.toml, then stays as PID 1 supervising the programs.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "appstart: not wired yet")
	os.Exit(2)
}
