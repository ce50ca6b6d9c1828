package stage

import (
	"os"
	"strings"
	"testing"
)

// A template appends the user's /app/data/.env (issue 15 item 8): the
// rendered file is read back by sh, its real consumer (`set -a; . file`
// is how start scripts load it); a missing optional file renders nothing,
// and a symlink planted in its place is refused, not followed.
func TestTemplatesIncludeUserFile(t *testing.T) {
	requireRoot(t)
	src, data, out := t.TempDir(), t.TempDir(), t.TempDir()
	writeFile(t, src+"/env.tpl", "DB_HOST=##DB_HOST\n##INCLUDE? "+data+"/.env\n##INCLUDE? "+data+"/absent\nLAST=managed\n")
	s := parseSpec(t, "[[templates]]\nsource = %q\ntarget = %q\n", src+"/env.tpl", out+"/env")
	writeFile(t, data+"/.env", "# the user's own\nUSER_KEY='a b ##DB_HOST ${X}'\nDB_HOST=user-wins")
	if err := runStage(t, newEnv(t, s, "DB_HOST=db"), "templates"); err != nil {
		t.Fatal(err)
	}
	want := "DB_HOST=db\n# the user's own\nUSER_KEY='a b ##DB_HOST ${X}'\nDB_HOST=user-wins\nLAST=managed\n"
	if got := readString(t, out+"/env"); got != want {
		t.Errorf("rendered:\n%q\nwant\n%q", got, want)
	}
	got, e := runOutput(t, "/bin/sh", "-c", `set -a; . "$0"; printf '%s|%s|%s' "$DB_HOST" "$USER_KEY" "$LAST"`, out+"/env")
	if e.Code != 0 || got != "user-wins|a b ##DB_HOST ${X}|managed" {
		t.Errorf("sh read %q (%v)", got, e)
	}

	if err := os.Remove(data + "/.env"); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc/shadow", data+"/.env"); err != nil {
		t.Fatal(err)
	}
	err := runStage(t, newEnv(t, s, "DB_HOST=db"), "templates")
	if err == nil || !strings.Contains(err.Error(), "cannot include "+data+"/.env") || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("a symlinked include: %v, want a refusal naming the link", err)
	}
	if got := readString(t, out+"/env"); got != want {
		t.Errorf("the refused render changed the file: %q", got)
	}
}
