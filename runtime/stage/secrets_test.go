package stage

import (
	"bytes"
	"errors"
	"os"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"appstart/runtime/environ"
)

func TestSecretsGenerateEachEncoding(t *testing.T) {
	requireRoot(t)
	dir := t.TempDir()
	s := parseSpec(t, `
[[secrets]]
name = "HEX"
file = "%[1]s/hex"
[[secrets]]
name = "B64"
file = "%[1]s/b64"
bytes = 16
encoding = "base64"
[[secrets]]
name = "B64URL"
file = "%[1]s/b64url"
bytes = 16
encoding = "base64url"
[[secrets]]
name = "ALNUM"
file = "%[1]s/sub/alnum"
bytes = 40
encoding = "alnum"
owner = "www-data"
`, dir)
	e := newEnv(t, s)
	if err := runStage(t, e, "secrets"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, file string
		re         string
		uid        int
	}{
		{"HEX", "hex", `^[0-9a-f]{64}$`, 1000},
		{"B64", "b64", `^[A-Za-z0-9+/]{22}==$`, 1000},
		{"B64URL", "b64url", `^[A-Za-z0-9_-]{22}$`, 1000},
		{"ALNUM", "sub/alnum", `^[A-Za-z0-9]{40}$`, 33},
	} {
		content := readString(t, dir+"/"+c.file)
		if !regexp.MustCompile(c.re).MatchString(content) {
			t.Errorf("%s: %q does not match %s", c.name, content, c.re)
		}
		v, _ := e.Vars.Var(c.name)
		if v.Value != content || v.Source != environ.Secret || !v.Secret {
			t.Errorf("%s exported as %+v", c.name, v)
		}
		if uid, gid, mode := stat(t, dir+"/"+c.file); uid != c.uid || gid != c.uid || mode != 0o600 {
			t.Errorf("%s: %d:%d %v", c.name, uid, gid, mode)
		}
	}
	if _, _, mode := stat(t, dir+"/sub"); mode != 0o700 {
		t.Errorf("parent made for a secret is %v, want 0700", mode)
	}
	if got := partsText(e); got != "4 secrets (4 new)" {
		t.Errorf("summary %q", got)
	}
}

func TestSecretsKeptAcrossStarts(t *testing.T) {
	requireRoot(t)
	dir := t.TempDir()
	s := parseSpec(t, "[[secrets]]\nname = \"APP_SECRET\"\nfile = %q\n", dir+"/s")
	e := newEnv(t, s)
	if err := runStage(t, e, "secrets"); err != nil {
		t.Fatal(err)
	}
	first, _ := e.Vars.Lookup("APP_SECRET")
	before, _ := os.Lstat(dir + "/s")
	e = newEnv(t, s)
	if err := runStage(t, e, "secrets"); err != nil {
		t.Fatal(err)
	}
	second, _ := e.Vars.Lookup("APP_SECRET")
	after, _ := os.Lstat(dir + "/s")
	if first != second || len(first) != 64 {
		t.Errorf("secret changed: %q then %q", first, second)
	}
	if !os.SameFile(before, after) || !before.ModTime().Equal(after.ModTime()) {
		t.Errorf("kept secret was rewritten")
	}
	if got := partsText(e); got != "1 secret (kept)" {
		t.Errorf("summary %q", got)
	}
}

func TestSecretsUserEditedWithNewlineIsAccepted(t *testing.T) {
	requireRoot(t)
	dir := t.TempDir()
	writeFile(t, dir+"/s", strings.Repeat("ab", 32)+"\n")
	s := parseSpec(t, "[[secrets]]\nname = \"APP_SECRET\"\nfile = %q\n", dir+"/s")
	e := newEnv(t, s)
	if err := runStage(t, e, "secrets"); err != nil {
		t.Fatal(err)
	}
	if v, _ := e.Vars.Lookup("APP_SECRET"); v != strings.Repeat("ab", 32) {
		t.Errorf("value %q", v)
	}
}

// An empty, truncated or unreadable secret stops the start naming the file,
// and the file is left exactly as it was: regenerating would log everyone
// out or lose encrypted data.
func TestSecretsBrokenFileIsAnErrorAndLeftAlone(t *testing.T) {
	for _, c := range []struct {
		name, content, want string
	}{
		{"empty", "", "is empty"},
		{"newline only", "\n", "is empty"},
		{"truncated", "abcdef", "is truncated: 6 characters where 32 bytes in hex make 64"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, dir+"/s", c.content)
			before, _ := os.Lstat(dir + "/s")
			s := parseSpec(t, "[[secrets]]\nname = \"APP_SECRET\"\nfile = %q\n", dir+"/s")
			e := newEnv(t, s)
			err := runStage(t, e, "secrets")
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), dir+"/s") {
				t.Fatalf("err = %v", err)
			}
			after, _ := os.Lstat(dir + "/s")
			if readString(t, dir+"/s") != c.content || !os.SameFile(before, after) {
				t.Errorf("broken secret was replaced")
			}
			if _, ok := e.Vars.Lookup("APP_SECRET"); ok {
				t.Errorf("broken secret exported")
			}
		})
	}
}

// A secret planted as a symlink (the app user owns /app/data) is not
// followed: root would otherwise read /etc/shadow into the app's environment.
func TestSecretsSymlinkIsNotFollowed(t *testing.T) {
	requireRoot(t)
	dir := t.TempDir()
	target := dir + "/target"
	writeFile(t, target, strings.Repeat("0", 64))
	if err := os.Symlink(target, dir+"/s"); err != nil {
		t.Fatal(err)
	}
	s := parseSpec(t, "[[secrets]]\nname = \"APP_SECRET\"\nfile = %q\n", dir+"/s")
	e := newEnv(t, s)
	err := runStage(t, e, "secrets")
	if err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Fatalf("err = %v", err)
	}
	if _, ok := e.Vars.Lookup("APP_SECRET"); ok {
		t.Errorf("symlinked secret exported")
	}
	// Control: the same content as a regular file is read.
	s = parseSpec(t, "[[secrets]]\nname = \"APP_SECRET\"\nfile = %q\n", target)
	if err := runStage(t, newEnv(t, s), "secrets"); err != nil {
		t.Errorf("control: %v", err)
	}
}

func TestSecretsReadOnlyNeverCreates(t *testing.T) {
	dir := t.TempDir()
	s := parseSpec(t, "[[secrets]]\nname = \"APP_SECRET\"\nfile = %q\n", dir+"/s")
	e := newEnv(t, s)
	e.ReadOnly = true
	err := runStage(t, e, "secrets")
	if err == nil || !strings.Contains(err.Error(), "does not exist yet") || !strings.Contains(err.Error(), dir+"/s") {
		t.Fatalf("err = %v", err)
	}
	if exists(dir + "/s") {
		t.Errorf("read-only run made a secret")
	}
}

func TestSecretsDryRun(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir+"/kept", strings.Repeat("f", 64))
	s := parseSpec(t, "[[secrets]]\nname = \"KEPT\"\nfile = %q\n[[secrets]]\nname = \"NEW\"\nfile = %q\n", dir+"/kept", dir+"/new")
	e := newEnv(t, s)
	var plan []string
	e.DryRun, e.Plan = true, func(l string) { plan = append(plan, l) }
	if err := runStage(t, e, "secrets"); err != nil {
		t.Fatal(err)
	}
	want := "secrets: KEPT from " + dir + "/kept (kept)\n" +
		"secrets: NEW: generate 32 random bytes, hex, to " + dir + "/new owner cloudron (1000:1000) mode 0600"
	if got := strings.Join(plan, "\n"); got != want {
		t.Errorf("plan:\n%s\nwant:\n%s", got, want)
	}
	if exists(dir + "/new") {
		t.Errorf("dry run made a secret")
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("entropy gone") }

func TestSecretsRandomFailureWritesNothing(t *testing.T) {
	dir := t.TempDir()
	s := parseSpec(t, "[[secrets]]\nname = \"APP_SECRET\"\nfile = %q\n", dir+"/s")
	e := newEnv(t, s)
	e.Rand = failingReader{}
	err := runStage(t, e, "secrets")
	if err == nil || !strings.Contains(err.Error(), "entropy gone") {
		t.Fatalf("err = %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left %v", entries)
	}
}

func TestGenerateAlnumRejectsBiasedBytes(t *testing.T) {
	// 248..255 would make the first 8 characters likelier: they are skipped.
	r := bytes.NewReader(append([]byte{255, 0, 248, 61, 62, 247}, make([]byte, 64)...))
	got, err := generate(r, 4, "alnum")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "A9A9" {
		t.Errorf("got %q, want A9A9", got)
	}
}

func TestSecretByCommand(t *testing.T) {
	requireRoot(t)
	dir := userDir(t)
	s := parseSpec(t, `
[[secrets]]
name = "SSH_KEY"
file = "%s/ssh_key"
command = "id -u > \"$APPSTART_SECRET_FILE\"; echo public > \"$APPSTART_SECRET_FILE.pub\""
`, dir)
	e := newEnv(t, s)
	e.Runner = testReaper(t)
	if err := runStage(t, e, "secrets"); err != nil {
		t.Fatal(err)
	}
	if v, _ := e.Vars.Lookup("SSH_KEY"); v != "1000\n" {
		t.Errorf("SSH_KEY=%q, want the output of id -u as cloudron", v)
	}
	if uid, _, mode := stat(t, dir+"/ssh_key"); uid != 1000 || mode != 0o600 {
		t.Errorf("key %d %v", uid, mode)
	}
	if readString(t, dir+"/ssh_key.pub") != "public\n" {
		t.Errorf("companion file not moved")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("left behind: %v", entries)
	}
	// Kept: the command does not run again.
	r := &fakeRunner{}
	e = newEnv(t, s)
	e.Runner = r
	if err := runStage(t, e, "secrets"); err != nil || len(r.cmds) != 0 {
		t.Errorf("second start: err %v, ran %v", err, r.argvs())
	}
}

func TestSecretByCommandFailures(t *testing.T) {
	requireRoot(t)
	for _, c := range []struct{ name, cmd, want string }{
		{"fails", `echo "no entropy" >&2; exit 3`, "exited 3; last output:\n    no entropy"},
		{"writes in place", `echo k > "$TARGET"`, "did not write $APPSTART_SECRET_FILE"},
		{"writes empty", `: > "$APPSTART_SECRET_FILE"`, "wrote an empty $APPSTART_SECRET_FILE"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := userDir(t)
			s := parseSpec(t, "[[secrets]]\nname = \"K\"\nfile = %q\ncommand = %q\n", dir+"/other/k", c.cmd)
			e := newEnv(t, s, "TARGET="+dir+"/other/k")
			e.Runner = testReaper(t)
			err := runStage(t, e, "secrets")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v", err)
			}
			if exists(dir + "/other/k") {
				t.Errorf("a failed command left the secret in place")
			}
			if entries, _ := os.ReadDir(dir + "/other"); len(entries) != 0 {
				t.Errorf("left %v", entries)
			}
		})
	}
}

func TestSecretsFixOwnerAndModeOfExisting(t *testing.T) {
	requireRoot(t)
	dir := t.TempDir()
	writeFile(t, dir+"/s", strings.Repeat("a", 64))
	s := parseSpec(t, "[[secrets]]\nname = \"S\"\nfile = %q\n", dir+"/s")
	if err := runStage(t, newEnv(t, s), "secrets"); err != nil {
		t.Fatal(err)
	}
	var st syscall.Stat_t
	if err := syscall.Stat(dir+"/s", &st); err != nil {
		t.Fatal(err)
	}
	if st.Uid != 1000 || st.Mode&0o777 != 0o600 || readString(t, dir+"/s") != strings.Repeat("a", 64) {
		t.Errorf("owner %d mode %o", st.Uid, st.Mode&0o777)
	}
}
