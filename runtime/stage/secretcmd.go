package stage

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"appstart/runtime/environ"
	"appstart/runtime/spec"
)

// SecretFileVar names the path a secret's command must write.
const SecretFileVar = "APPSTART_SECRET_FILE"

// secretByCommand makes a secret with its command, with the same guarantees
// as a generated one: the command runs once, as the secret's owner, in a
// fresh private directory beside the file, and writes $APPSTART_SECRET_FILE
// there (ssh-keygen may add its .pub beside it). Only after it succeeded and
// its file is non-empty are the files moved into place, the secret itself
// last and with an fsync of the file and the directory, so the secret's
// name never holds a half-written key and its presence implies the rest.
//
//	[[secrets]]
//	name = "SSH_HOST_KEY"
//	file = "/app/data/ssh_host_ed25519_key"
//	command = ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", "${APPSTART_SECRET_FILE}"]
//
// A crash leaves at most a ".ssh_host_ed25519_key.appstart-*" directory,
// removed by the next attempt.
func (e *Env) secretByCommand(ctx context.Context, sec spec.Secret, uid, gid int) (_ string, err error) {
	dir, base := filepath.Split(sec.File)
	if _, err := mkParents(sec.File, 0o700, uid, gid); err != nil {
		return "", fmt.Errorf("cannot make secret %s: %w", sec.Name, err)
	}
	prefix := "." + base + ".appstart-"
	removeStaleWork(dir, prefix)
	work, err := os.MkdirTemp(dir, prefix) // mode 0700
	if err != nil {
		return "", fmt.Errorf("cannot make secret %s: %w", sec.Name, err)
	}
	defer os.RemoveAll(work)
	if err := os.Lchown(work, uid, gid); err != nil {
		return "", fmt.Errorf("cannot make secret %s: %w", sec.Name, err)
	}
	tmp := filepath.Join(work, base)
	// The file did not exist before the command ran, so whatever a command
	// that fails, or ignores $APPSTART_SECRET_FILE, leaves under its name was
	// written non-atomically by it and never used: remove it, or the next
	// start would keep a possibly half-written secret forever.
	defer func() {
		if err != nil {
			os.Remove(sec.File)
		}
	}()
	err = e.run(ctx, job{
		what:  "command of secret " + sec.Name,
		cmd:   sec.Command,
		user:  sec.Owner,
		dir:   work,
		extra: []environ.Var{{Name: SecretFileVar, Value: tmp, Source: environ.Program, Origin: "secrets." + sec.Name}},
	})
	if err != nil {
		return "", err
	}
	data, _, err := readFileNoFollow(tmp)
	if errors.Is(err, os.ErrNotExist) {
		err = errors.New("not written")
		return "", fmt.Errorf("command of secret %s `%s` succeeded but did not write $%s: write the secret there, not to %s itself, so a crash cannot leave it half-written",
			sec.Name, sec.Command, SecretFileVar, sec.File)
	}
	if err != nil {
		return "", fmt.Errorf("cannot read secret %s made by its command: %w", sec.Name, err)
	}
	if strings.TrimSpace(string(data)) == "" {
		return "", fmt.Errorf("command of secret %s `%s` wrote an empty $%s", sec.Name, sec.Command, SecretFileVar)
	}
	if err := placeWork(work, dir, base, uid, gid, sec.Mode); err != nil {
		return "", fmt.Errorf("cannot make secret %s: %w", sec.Name, err)
	}
	e.logf("Made secret %s in %s with `%s`", sec.Name, sec.File, sec.Command)
	return string(data), nil
}

// placeWork moves the regular files a secret command wrote from work into
// dir, the secret (base) last, owned by uid:gid; the secret gets mode, the
// others keep the command's. Each file is fsync'ed before its rename and the
// directory after the last (rename(2), fsync(2) NOTES).
func placeWork(work, dir, base string, uid, gid int, mode os.FileMode) error {
	entries, err := os.ReadDir(work)
	if err != nil {
		return err
	}
	for _, ent := range entries {
		if ent.Name() == base || !ent.Type().IsRegular() {
			continue
		}
		if err := placeFile(filepath.Join(work, ent.Name()), filepath.Join(dir, ent.Name()), uid, gid, 0); err != nil {
			return err
		}
	}
	if err := placeFile(filepath.Join(work, base), filepath.Join(dir, base), uid, gid, mode); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

func placeFile(from, to string, uid, gid int, mode os.FileMode) error {
	f, err := os.OpenFile(from, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Chown(uid, gid); err != nil {
		return err
	}
	if mode != 0 {
		if err := f.Chmod(mode); err != nil {
			return err
		}
	}
	if err := f.Sync(); err != nil {
		return err
	}
	return os.Rename(from, to)
}

// removeStaleWork removes the work directories a crashed attempt left.
func removeStaleWork(dir, prefix string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, ent := range entries {
		if strings.HasPrefix(ent.Name(), prefix) && ent.IsDir() {
			os.RemoveAll(filepath.Join(dir, ent.Name()))
		}
	}
}
