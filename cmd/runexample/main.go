// Command runexample runs an example package the way a person tries it:
// appstart as PID 1 of a harness container (read-only root, tmpfs /run and
// /tmp, a memory limit), the example directory as /app/pkg and /app/code,
// output live on the terminal, the app on the host's network. Ctrl-C is
// forwarded to PID 1 (the container runs in its own process group, so the
// terminal's SIGINT reaches only this program), which stops the app; a third
// Ctrl-C kills it. It needs root, like every harness container.
//
//	go run ./cmd/runexample -bin bin/appstart examples/hello
//	# then: curl http://127.0.0.1:3000/
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"appstart/runtime/harness"
)

type envList []string

func (e *envList) String() string     { return fmt.Sprint(*e) }
func (e *envList) Set(v string) error { *e = append(*e, v); return nil }

func main() {
	os.Exit(run())
}

func run() int {
	bin := flag.String("bin", "", "appstart binary to run (default: build one)")
	data := flag.String("data", "", "host directory to use as /app/data, kept between runs (default: a temporary one)")
	var env envList
	flag.Var(&env, "e", "NAME=VALUE added to the container's environment (repeatable)")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: runexample [-bin PATH] [-data DIR] [-e NAME=VALUE]... EXAMPLE_DIR\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		return 2
	}
	example, err := filepath.Abs(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "runexample:", err)
		return 2
	}
	if *bin == "" {
		if *bin, err = harness.BuildBinary(); err != nil {
			fmt.Fprintln(os.Stderr, "runexample:", err)
			return 1
		}
	}
	if *data != "" {
		if err := os.MkdirAll(*data, 0o755); err != nil {
			fmt.Fprintln(os.Stderr, "runexample:", err)
			return 1
		}
	}

	// Subscribe before the container exists so no Ctrl-C is lost to the
	// default action in between.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)

	// An example keeps its app in code/ when it has one (as a Dockerfile
	// would COPY it to /app/code); the smallest keep it beside the spec.
	code := example
	if st, err := os.Stat(filepath.Join(example, "code")); err == nil && st.IsDir() {
		code = filepath.Join(example, "code")
	}
	in, err := harness.Launch(harness.Options{
		Argv:        []string{"/app/bin/appstart", "run"},
		Env:         append(append([]string{}, harness.DefaultEnv...), env...),
		PkgDir:      example,
		DataDir:     *data,
		Binaries:    map[string]string{"/app/bin/appstart": *bin},
		Mounts:      []harness.Mount{{Source: code, Target: "/app/code"}},
		HostNetwork: true,
		Stdout:      os.Stdout,
		Stderr:      os.Stderr,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "runexample:", err)
		return 1
	}
	defer in.Close()
	fmt.Fprintf(os.Stderr, "runexample: %s running as PID 1 (host pid %d); Ctrl-C stops it\n", filepath.Base(example), in.Pid1())

	forwarded := 0
	for {
		select {
		case <-in.Done():
			r, _ := in.Wait(0)
			fmt.Fprintf(os.Stderr, "runexample: PID 1 exited with %d after %v\n", r.ExitCode, r.Duration.Round(1e6))
			return r.ExitCode
		case sig := <-sigs:
			forwarded++
			s := sig.(syscall.Signal)
			if forwarded >= 3 {
				s = syscall.SIGKILL
			}
			if err := in.Signal(s); err != nil {
				fmt.Fprintln(os.Stderr, "runexample:", err)
				continue
			}
			fmt.Fprintf(os.Stderr, "runexample: sent %v to PID 1\n", s)
		}
	}
}
