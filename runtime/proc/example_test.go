package proc

import (
	"context"
	"fmt"
	"syscall"
)

func ExampleExit_String() {
	fmt.Println(Exit{Pid: 42, Code: 1})
	fmt.Println(Exit{Pid: 42, Code: 137, Signal: syscall.SIGKILL})
	fmt.Println(Exit{Pid: 42, Code: 139, Signal: syscall.SIGSEGV, CoreDump: true})
	// Output:
	// exited 1
	// killed by SIGKILL
	// killed by SIGSEGV (core dumped)
}

func ExampleExitForStartError() {
	_, err := testReaper.Spawn(Cmd{Path: "no-such-program", Env: []string{"PATH=/usr/bin:/bin"}}, nil)
	fmt.Println(err)
	fmt.Println(ExitForStartError(err).Code)
	// Output:
	// cannot start no-such-program: no such file or directory
	// 127
}

// The package doc's example, run against the test process's Reaper (a
// program has exactly one, made by NewReaper and Start at startup).
func ExampleReaper_Run() {
	r := testReaper
	e, err := r.Run(context.Background(), Cmd{
		Path: "sh", Args: []string{"sh", "-c", "exit 3"},
		Env: []string{"PATH=/usr/bin:/bin"},
	})
	fmt.Println(e.Code, e, err)
	// Output: 3 exited 3 <nil>
}
