package stage

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

const nastyPassword = "p/a&s\\s'w\"o$rd\nline2 ##OTHER ${X} ü"

func TestTemplatesRenderValuesVerbatimAndEscaped(t *testing.T) {
	requireRoot(t)
	src, out := t.TempDir(), t.TempDir()
	writeFile(t, src+"/raw.tpl", "password=##DB_PASSWORD\nport=##{DB_PORT}0\n")
	writeFile(t, src+"/config.php.tpl", "<?php\n$pw = '##DB_PASSWORD';\necho $pw;\n")
	s := parseSpec(t, `
[[templates]]
source = "%[1]s/raw.tpl"
target = "%[2]s/raw"
[[templates]]
source = "%[1]s/config.php.tpl"
target = "%[2]s/sub/config.php"
escape = "php"
owner = "www-data"
mode = "0600"
`, src, out)
	e := newEnv(t, s, "DB_PASSWORD="+nastyPassword, "DB_PORT=543")
	if err := runStage(t, e, "templates"); err != nil {
		t.Fatal(err)
	}
	if got, want := readString(t, out+"/raw"), "password="+nastyPassword+"\nport=5430\n"; got != want {
		t.Errorf("raw:\n%q\nwant\n%q", got, want)
	}
	if uid, gid, mode := stat(t, out+"/raw"); uid != 1000 || gid != 1000 || mode != 0o640 {
		t.Errorf("raw: %d:%d %v, want the default cloudron 0640 (not world-readable)", uid, gid, mode)
	}
	if uid, _, mode := stat(t, out+"/sub/config.php"); uid != 33 || mode != 0o600 {
		t.Errorf("php: %d %v", uid, mode)
	}
	php := readString(t, out+"/sub/config.php")
	if !strings.Contains(php, `p/a&s\\s\'w"o$rd`) {
		t.Errorf("php escape: %q", php)
	}
	if _, err := exec.LookPath("php"); err == nil {
		// The real parser is the judge: PHP must print the password back.
		got, e := runOutput(t, "php", "-f", out+"/sub/config.php")
		if e.Code != 0 || got != nastyPassword {
			t.Errorf("php printed %q (%v), want %q", got, e, nastyPassword)
		}
	}
	if got := partsText(e); got != "2 templates" {
		t.Errorf("summary %q", got)
	}
}

// The platform may rotate an addon password between two starts: the
// rendered config follows, because nothing is cached across starts.
func TestTemplatesFollowChangedAddonPassword(t *testing.T) {
	requireRoot(t)
	dir := t.TempDir()
	writeFile(t, dir+"/t", "pw=##CLOUDRON_MYSQL_PASSWORD\n")
	s := parseSpec(t, "[[templates]]\nsource = %q\ntarget = %q\n", dir+"/t", dir+"/out")
	for _, pw := range []string{"first-password", "rotated&/password"} {
		if err := runStage(t, newEnv(t, s, "CLOUDRON_MYSQL_PASSWORD="+pw), "templates"); err != nil {
			t.Fatal(err)
		}
		if got := readString(t, dir+"/out"); got != "pw="+pw+"\n" {
			t.Errorf("after start with %q: %q", pw, got)
		}
	}
}

// Every missing placeholder of every template is reported at once, with
// template, line and name, and no template is written, not even the good one.
func TestTemplatesReportAllMissingAndWriteNothing(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir+"/good", "ok ##HOST\n")
	writeFile(t, dir+"/a", "x\nhost=##DB_HOST\n##IF LDAP\n##LDAP_URL\n##END\nopt=##MAYBE\n")
	writeFile(t, dir+"/b", "##MAIL_SERVER ##MAIL_PORT\n")
	s := parseSpec(t, `
[[templates]]
source = "%[1]s/good"
target = "%[1]s/good.out"
[[templates]]
source = "%[1]s/a"
target = "%[1]s/a.out"
optional = ["MAYBE"]
[[templates]]
source = "%[1]s/b"
target = "%[1]s/b.out"
`, dir)
	err := runStage(t, newEnv(t, s, "HOST=h"), "templates")
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{
		"templates[2]: template " + dir + "/a: line 2: DB_HOST is not set",
		"templates[3]: template " + dir + "/b: line 1: MAIL_SERVER is not set; line 1: MAIL_PORT is not set",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "LDAP_URL") || strings.Contains(err.Error(), "MAYBE") {
		t.Errorf("reported a placeholder in an unrendered section or an optional one: %v", err)
	}
	for _, f := range []string{"good.out", "a.out", "b.out"} {
		if exists(dir + "/" + f) {
			t.Errorf("%s written although the stage failed", f)
		}
	}
}

func TestTemplatesWhenAndUnchangedNotRewritten(t *testing.T) {
	requireRoot(t)
	dir := t.TempDir()
	writeFile(t, dir+"/t", "v=##V\n")
	s := parseSpec(t, `
[[templates]]
source = "%[1]s/t"
target = "%[1]s/out"
[[templates]]
source = "%[1]s/t"
target = "%[1]s/ldap"
when = "CLOUDRON_LDAP_SERVER"
`, dir)
	if err := runStage(t, newEnv(t, s, "V=1"), "templates"); err != nil {
		t.Fatal(err)
	}
	before, _ := os.Lstat(dir + "/out")
	e := newEnv(t, s, "V=1")
	var plan []string
	e.Plan = func(l string) { plan = append(plan, l) }
	if err := runStage(t, e, "templates"); err != nil {
		t.Fatal(err)
	}
	after, _ := os.Lstat(dir + "/out")
	if !os.SameFile(before, after) {
		t.Errorf("an unchanged output was replaced")
	}
	if exists(dir + "/ldap") {
		t.Errorf("template with an unmet when written")
	}
	if !strings.Contains(strings.Join(plan, "\n"), "templates: skip "+dir+"/ldap (when CLOUDRON_LDAP_SERVER: not set)") {
		t.Errorf("plan: %q", plan)
	}
}
