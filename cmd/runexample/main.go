// Command runexample runs an example package the way a person tries it:
// appstart as PID 1 of a harness container (read-only root, tmpfs /run and
// /tmp, a memory limit), the example directory as /app/pkg and /app/code,
// output live on the terminal, the app on the host's network. Ctrl-C is
// forwarded to PID 1 (the container runs in its own process group, so the
// terminal's SIGINT reaches only this program), which stops the app; a third
// Ctrl-C kills it. It needs root, like every harness container.
//
// Under `make run-example`, make shares the terminal's foreground process
// group, so a Ctrl-C would reach make too, which would then report an
// interrupt (exit 130) however cleanly the app stopped. So on a terminal
// this program takes the foreground for a process group of its own, and
// gives it back at the end: Ctrl-C reaches only it, and it exits with PID
// 1's code, 0 after a clean stop. Once the app answers, it prints the URL
// (the manifest's httpPort).
//
//	go run ./cmd/runexample -bin bin/appstart examples/hello
//	# then: curl http://127.0.0.1:3000/
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"appstart/runtime/harness"
	"golang.org/x/sys/unix"
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
	defer takeForeground()()

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
	if port := httpPort(example); port > 0 {
		go announce(port, in.Done())
	}

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

// takeForeground puts this process in a process group of its own and makes
// it the terminal's foreground group, so that Ctrl-C reaches it alone (not
// make, which started it); the returned func gives the terminal back.
// Without a terminal on stdin it does nothing.
func takeForeground() (restore func()) {
	tty := int(os.Stdin.Fd())
	old, err := unix.IoctlGetInt(tty, unix.TIOCGPGRP)
	if err != nil || old != unix.Getpgrp() { // no terminal, or started in the background
		return func() {}
	}
	// tcsetpgrp(3) from a background group raises SIGTTOU, which stops
	// the process unless ignored.
	signal.Ignore(syscall.SIGTTOU)
	if err := unix.Setpgid(0, 0); err != nil {
		return func() {}
	}
	if err := unix.IoctlSetPointerInt(tty, unix.TIOCSPGRP, unix.Getpgrp()); err != nil {
		_ = unix.Setpgid(0, old)
		return func() {}
	}
	return func() { _ = unix.IoctlSetPointerInt(tty, unix.TIOCSPGRP, old) }
}

// httpPort is the example's CloudronManifest.json httpPort, 0 when none.
func httpPort(example string) int {
	data, err := os.ReadFile(filepath.Join(example, "CloudronManifest.json"))
	if err != nil {
		return 0
	}
	var m struct {
		HTTPPort int `json:"httpPort"`
	}
	if json.Unmarshal(data, &m) != nil {
		return 0
	}
	return m.HTTPPort
}

// announce prints the app's URL once something accepts connections on
// port (the container shares the host's network), for up to two minutes.
func announce(port int, done <-chan struct{}) {
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			fmt.Fprintf(os.Stderr, "runexample: serving http://%s/ (Ctrl-C stops it)\n", addr)
			return
		}
		select {
		case <-done:
			return
		case <-time.After(200 * time.Millisecond):
		}
	}
}
