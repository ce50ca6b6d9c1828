package stage

import (
	"os"
	"strings"
	"testing"
)

const userINI = `; edited by the admin
[mail]
host = old.example   ; set by hand
from = admin@example.com

[custom]
theme = dark
`

func TestPatchKeepsUserKeys(t *testing.T) {
	requireRoot(t)
	dir := t.TempDir()
	writeFile(t, dir+"/config.ini", userINI)
	if err := os.Chown(dir+"/config.ini", 33, 33); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir+"/config.ini", 0o664); err != nil {
		t.Fatal(err)
	}
	s := parseSpec(t, `
[[patch]]
file = "%s/config.ini"
set = { "mail.host" = "${CLOUDRON_MAIL_SMTP_SERVER}" }
defaults = { "app.key" = "${APP_KEY}", "mail.from" = "noreply@app" }
`, dir)
	e := newEnv(t, s, "CLOUDRON_MAIL_SMTP_SERVER=mail", "APP_KEY=k3y")
	if err := runStage(t, e, "templates"); err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(userINI, "host = old.example", "host = mail", 1) + "\n[app]\nkey = k3y\n"
	if got := readString(t, dir+"/config.ini"); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if uid, gid, mode := stat(t, dir+"/config.ini"); uid != 33 || gid != 33 || mode != 0o664 {
		t.Errorf("owner/mode not kept: %d:%d %v", uid, gid, mode)
	}
	if got := partsText(e); got != "1 patch (2 keys changed)" {
		t.Errorf("summary %q", got)
	}
	// A second start changes nothing and does not replace the file.
	before, _ := os.Lstat(dir + "/config.ini")
	e = newEnv(t, s, "CLOUDRON_MAIL_SMTP_SERVER=mail", "APP_KEY=other")
	if err := runStage(t, e, "templates"); err != nil {
		t.Fatal(err)
	}
	after, _ := os.Lstat(dir + "/config.ini")
	if !os.SameFile(before, after) || readString(t, dir+"/config.ini") != want {
		t.Errorf("unchanged file rewritten, or a default overwrote the chosen key")
	}
}

func TestPatchNewFileGetsUserAndPrivateMode(t *testing.T) {
	requireRoot(t)
	dir := t.TempDir()
	s := parseSpec(t, "[[patch]]\nfile = %q\nset = { \"A\" = \"1\" }\n", dir+"/.env")
	if err := runStage(t, newEnv(t, s), "templates"); err != nil {
		t.Fatal(err)
	}
	if got := readString(t, dir+"/.env"); got != "A=1\n" {
		t.Errorf("got %q", got)
	}
	if uid, _, mode := stat(t, dir+"/.env"); uid != 1000 || mode != 0o640 {
		t.Errorf("%d %v", uid, mode)
	}
}

func TestPatchUnparsableFileIsNeverReplaced(t *testing.T) {
	dir := t.TempDir()
	bad := "{\n  \"a\": 1,\n  oops\n}\n"
	writeFile(t, dir+"/c.json", bad)
	s := parseSpec(t, "[[patch]]\nfile = %q\nset = { \"a\" = \"2\" }\n", dir+"/c.json")
	err := runStage(t, newEnv(t, s), "templates")
	if err == nil || !strings.Contains(err.Error(), "patch[1]: "+dir+"/c.json:3:") {
		t.Fatalf("err = %v", err)
	}
	if readString(t, dir+"/c.json") != bad {
		t.Errorf("unparsable file replaced")
	}
}

func TestPatchMissingVariablesAllAtOnce(t *testing.T) {
	dir := t.TempDir()
	s := parseSpec(t, "[[patch]]\nfile = %q\nset = { \"a\" = \"${A}\", \"b\" = \"${B}\" }\ndefaults = { \"c\" = \"${C}\" }\n", dir+"/x.env")
	err := runStage(t, newEnv(t, s), "templates")
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"set.a: ${A} is not set", "set.b: ${B} is not set", "defaults.c: ${C} is not set"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	if exists(dir + "/x.env") {
		t.Errorf("file created")
	}
}
