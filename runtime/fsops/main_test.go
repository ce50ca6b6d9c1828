package fsops

import (
	"bytes"
	"fmt"
	"os"
	"testing"
	"time"
)

// helperEnv turns the test binary into a helper process for the crash
// tests: "atomic PATH", "naive PATH" or "seed SRC DST" (see helperMain).
const helperEnv = "APPSTART_FSOPS_TEST_HELPER"

func TestMain(m *testing.M) {
	if role, ok := os.LookupEnv(helperEnv); ok {
		os.Exit(helperMain(role, os.Args[len(os.Args)-2:]))
	}
	os.Exit(m.Run())
}

// crashContents are the two versions a crash-test writer alternates
// between: different lengths and bytes, so any mix, truncation or empty
// file is told apart from both.
var crashContents = [2][]byte{
	bytes.Repeat([]byte("old version\n"), 64<<10/12),
	bytes.Repeat([]byte("NEW VERSION, LONGER\n"), 160<<10/20),
}

// helperMain runs a role until it is killed, after printing "ready" once
// its first complete write is done.
func helperMain(role string, args []string) int {
	fail := func(err error) int { fmt.Fprintln(os.Stderr, role, err); return 2 }
	switch role {
	case "atomic", "naive":
		path := args[1]
		for i := 0; ; i++ {
			data := crashContents[i%2]
			var err error
			if role == "atomic" {
				err = WriteFileAtomic(path, data, 0o640, -1, -1)
			} else {
				err = naiveWrite(path, data)
			}
			if err != nil {
				return fail(err)
			}
			if i == 0 {
				fmt.Println("ready")
			}
		}
	case "seed":
		fmt.Println("ready")
		if _, err := CopyIfMissing(args[0], args[1], -1, -1); err != nil {
			return fail(err)
		}
		fmt.Println("done")
		for {
			time.Sleep(time.Hour) // wait to be killed (a bare select{} is a detected deadlock)
		}
	}
	return fail(fmt.Errorf("unknown role"))
}

// naiveWrite is what most start scripts do (`echo > file`): truncate, then
// write in pieces. The crash test's negative control.
func naiveWrite(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC|os.O_CREATE, 0o640)
	if err != nil {
		return err
	}
	for len(data) > 0 {
		n := min(len(data), 4096)
		if _, err := f.Write(data[:n]); err != nil {
			f.Close()
			return err
		}
		data = data[n:]
	}
	return f.Close()
}
