package app

import "fmt"

func notWired(std IO, name string) int {
	fmt.Fprintf(std.Stderr, "appstart %s: not wired yet in this build\n", name)
	return exitInternal
}

func cmdPlan(std IO, args []string) int { return notWired(std, "plan") }
func cmdTask(std IO, args []string) int { return notWired(std, "task") }
