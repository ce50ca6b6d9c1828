package stage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"

	"appstart/runtime/environ"
	"appstart/runtime/fsops"
	"appstart/runtime/spec"
)

// dryRunSecret stands for a secret `appstart plan` would generate, so the
// stages after it can show what they would do with it.
const dryRunSecret = "(generated-on-first-start)"

// runSecrets reads each [[secrets]] file, or makes it once, and exports its
// value under its name with Source Secret (masked everywhere).
//
// A secret that exists is read and never rewritten, whatever it holds:
// regenerating one logs every user out or loses the data encrypted with it.
// So an empty, truncated (shorter than its bytes and encoding give) or
// unreadable file is an error naming the file that stops the start; the
// operator restores it, or deletes it to have a new one made. A missing
// secret is generated from the kernel's CSPRNG (getrandom(2)) and written with
// fsops.WriteFileAtomic (temp, fsync, rename, fsync of the directory), so a
// crash leaves either no secret or the whole one, never an empty file.
//
//	[[secrets]] name = "APP_SECRET", file = "/app/data/.app_secret"
//	// first start: "2 secrets (1 new)"; later: "2 secrets (kept)"
func runSecrets(ctx context.Context, e *Env) error {
	kept, made := 0, 0
	for _, sec := range e.Spec.Secrets {
		if skip, why := e.skip(sec.When, sec.Unless); skip {
			e.planf("skip %s (%s)", sec.Name, why)
			continue
		}
		value, fresh, err := e.secret(ctx, sec)
		if err != nil {
			return err
		}
		if fresh {
			made++
		} else {
			kept++
		}
		e.Vars.Set(environ.Var{Name: sec.Name, Value: value, Source: environ.Secret, Origin: "secrets." + sec.Name})
	}
	switch {
	case made+kept == 0:
	case made == 0:
		e.report("%s (kept)", plural(kept, "secret"))
	default:
		e.report("%s (%d new)", plural(made+kept, "secret"), made)
	}
	return nil
}

// secret returns the value of sec and whether it was made now.
func (e *Env) secret(ctx context.Context, sec spec.Secret) (string, bool, error) {
	uid, gid, err := e.owner(sec.Owner)
	if err != nil {
		return "", false, fmt.Errorf("cannot make secret %s: %w", sec.Name, err)
	}
	data, st, err := readFileNoFollow(sec.File)
	switch {
	case err == nil:
		value, err := secretValue(sec, data)
		if err != nil {
			return "", false, err
		}
		e.planf("%s from %s (kept)", sec.Name, sec.File)
		if e.mutates() && (int(st.Uid) != uid || int(st.Gid) != gid || st.Mode&0o7777 != fsops.UnixMode(sec.Mode)) {
			if err := fixOwnerMode(sec.File, uid, gid, sec.Mode); err != nil {
				return "", false, fmt.Errorf("cannot fix secret %s: %w", sec.Name, err)
			}
		}
		return value, false, nil
	case !errors.Is(err, fs.ErrNotExist):
		return "", false, fmt.Errorf("cannot read secret %s from %s: %w (appstart never regenerates a secret that exists: fix or restore the file)",
			sec.Name, sec.File, unwrapPath(err))
	case e.ReadOnly:
		return "", false, fmt.Errorf("secret %s does not exist yet (%s): it is made by the app's first start, and this command never makes one", sec.Name, sec.File)
	}
	how := fmt.Sprintf("%d random bytes, %s", sec.Bytes, sec.Encoding)
	if isCommand(sec.Command) {
		how = fmt.Sprintf("by running `%s`", sec.Command)
	}
	e.planf("%s: generate %s, to %s owner %s (%s) mode %s", sec.Name, how, sec.File, sec.Owner, ownerString(uid, gid), modeString(sec.Mode))
	if e.DryRun {
		return dryRunSecret, true, nil
	}
	if isCommand(sec.Command) {
		value, err := e.secretByCommand(ctx, sec, uid, gid)
		return value, true, err
	}
	value, err := generate(e.Rand, sec.Bytes, sec.Encoding)
	if err != nil {
		return "", false, fmt.Errorf("cannot make secret %s: %w", sec.Name, err)
	}
	if _, err := mkParents(sec.File, 0o700, uid, gid); err != nil {
		return "", false, fmt.Errorf("cannot make secret %s: %w", sec.Name, err)
	}
	if err := fsops.WriteFileAtomic(sec.File, value, sec.Mode, uid, gid); err != nil {
		return "", false, fmt.Errorf("cannot make secret %s: %w", sec.Name, err)
	}
	e.logf("Generated secret %s in %s", sec.Name, sec.File)
	return string(value), true, nil
}

// secretValue checks a secret file's content. A generated secret is a token:
// one trailing newline (an editor's) is dropped, and it must be at least as
// long as its encoding makes it. A command's secret (a key file) is taken
// as it is.
func secretValue(sec spec.Secret, data []byte) (string, error) {
	if isCommand(sec.Command) {
		if len(bytes.TrimSpace(data)) == 0 {
			return "", emptySecret(sec)
		}
		return string(data), nil
	}
	data = bytes.TrimSuffix(data, []byte("\n"))
	data = bytes.TrimSuffix(data, []byte("\r"))
	if len(data) == 0 {
		return "", emptySecret(sec)
	}
	if want := encodedLen(sec.Bytes, sec.Encoding); len(data) < want {
		return "", fmt.Errorf("secret %s in %s is truncated: %d characters where %d bytes in %s make %d (appstart never regenerates a secret that exists: restore the file from a backup, or delete it to have a new one made)",
			sec.Name, sec.File, len(data), sec.Bytes, sec.Encoding, want)
	}
	return string(data), nil
}

func emptySecret(sec spec.Secret) error {
	return fmt.Errorf("secret %s in %s is empty (appstart never regenerates a secret that exists: restore the file from a backup, or delete it to have a new one made, which logs users out and loses data encrypted with the old one)",
		sec.Name, sec.File)
}

func isCommand(c spec.Command) bool {
	return c.Shell != "" || len(c.Argv) > 0
}

// fixOwnerMode sets the owner and mode of an existing file through a
// descriptor opened without following a symlink, so a link planted in its
// place changes nothing.
func fixOwnerMode(path string, uid, gid int, mode fs.FileMode) error {
	if err := fsops.CheckNoSymlinks(path); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Chown(uid, gid); err != nil {
		return err
	}
	return f.Chmod(mode)
}
