package control

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"appstart/runtime/harness/skip"
)

func TestDialNotRunning(t *testing.T) {
	t.Parallel()
	path := filepath.Join(shortDir(t), "run", "appstart", "control.sock")
	_, err := Dial(path)
	if !errors.Is(err, ErrNotRunning) || err.Error() != "appstart is not running (no socket at "+path+")" {
		t.Errorf("got %v", err)
	}
	// A Client made while it ran, used after it went.
	c := &Client{path: path}
	if _, err := c.Status(testCtx(t)); !errors.Is(err, ErrNotRunning) {
		t.Errorf("status: %v", err)
	}
}

// nobodyStatus runs `status` against path in a child process, as nobody
// (uid 65534) or as root, and returns its output and exit code. The
// context's deadline is what proves "no hang".
func nobodyStatus(t *testing.T, bin, path string, asNobody bool) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = append(os.Environ(), childModeEnv+"=status", childArgEnv+"="+path)
	if asNobody {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	}
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("client as nobody=%v hung for 30s: %s", asNobody, out)
	}
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out)), code
}

func TestNonRootClientIsRefused(t *testing.T) {
	skip.Root(t, "runs a client as another user")
	t.Parallel()
	bin := worldBinary(t)
	const denied = "permission denied: the control socket is root's (run as root)"

	// Each case opens up the path a little more, so that each layer is
	// shown to refuse on its own: the 0700 directory, the 0600 socket,
	// then the server's SO_PEERCRED check with everything open.
	for _, tc := range []struct {
		name              string
		dirMode, sockMode os.FileMode
		wantServerRefusal bool
	}{
		{"directory 0700", 0o700, 0o600, false},
		{"socket 0600", 0o755, 0o600, false},
		{"peer credentials", 0o755, 0o666, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake()
			srv, path := serve(t, f, Options{})
			top := filepath.Dir(filepath.Dir(filepath.Dir(path)))
			for _, d := range []string{top, filepath.Dir(filepath.Dir(path))} {
				os.Chmod(d, 0o755)
			}
			os.Chmod(filepath.Dir(path), tc.dirMode)
			os.Chmod(srv.Path(), tc.sockMode)

			out, code := nobodyStatus(t, bin, path, true)
			if code != 1 || out != denied {
				t.Errorf("as nobody: exit %d, %q; want exit 1, %q", code, out, denied)
			}
			if calls := f.Calls(); len(calls) != 0 {
				t.Errorf("nobody reached the backend: %q", calls)
			}
			// Negative control: the same child as root gets through, so
			// the refusal above is about the uid and nothing else.
			if out, code := nobodyStatus(t, bin, path, false); code != 0 || out != "ok" {
				t.Errorf("as root: exit %d, %q", code, out)
			}
		})
	}
}

// The server's check alone, in-process: a permission Error maps to the
// sentinel and the CLI message.
func TestPermissionErrorMapping(t *testing.T) {
	t.Parallel()
	e := &Error{Code: CodePermission, Message: ErrPermission.Error()}
	if !errors.Is(e, ErrPermission) || errors.Is(e, ErrBusy) {
		t.Errorf("errors.Is on %+v", e)
	}
	if err := dialError("/x", syscall.EACCES); err != ErrPermission {
		t.Errorf("EACCES -> %v", err)
	}
}
