package stage

import (
	"os/exec"
	"testing"

	"appstart/runtime/harness/skip"
)

// The [[patch]] dialect reaches the file (issue 15 item 2): by default an
// ini value is written raw, as `crudini --set` wrote it, and Python's
// configparser (Odoo's reader) gets it back; dialect = "php" quotes it for
// parse_ini_file; format = "properties" escapes for java.util.Properties
// (read back by the JDK in runtime/patch's tests).
func TestPatchDialects(t *testing.T) {
	requireRoot(t)
	dir := t.TempDir()
	const pw = `kc"pa$s;x`
	writeFile(t, dir+"/odoo.conf", "; Odoo\n\n[options]\ndb_password = old\n")
	writeFile(t, dir+"/app.ini", "[db]\npassword = old\n")
	writeFile(t, dir+"/keycloak.conf", "# Keycloak\ndb=postgres\n")
	s := parseSpec(t, `
[[patch]]
file = "%[1]s/odoo.conf"
format = "ini"
set = { "options.db_password" = "${PW}" }

[[patch]]
file = "%[1]s/app.ini"
dialect = "php"
set = { "db.password" = "${PW}" }

[[patch]]
file = "%[1]s/keycloak.conf"
format = "properties"
set = { db-password = "${PW}" }
`, dir)
	if err := runStage(t, newEnv(t, s, "PW="+pw), "templates"); err != nil {
		t.Fatal(err)
	}
	for file, want := range map[string]string{
		"/odoo.conf":     "; Odoo\n\n[options]\ndb_password = " + pw + "\n",
		"/app.ini":       "[db]\npassword = \"kc\\\"pa\\$s;x\"\n",
		"/keycloak.conf": "# Keycloak\ndb=postgres\ndb-password=kc\"pa$s;x\n",
	} {
		if got := readString(t, dir+file); got != want {
			t.Errorf("%s:\n%s\nwant\n%s", file, got, want)
		}
	}
	py, err := exec.LookPath("python3")
	if err != nil {
		skip.OrFail(t, "python3 is not installed: cannot read back with configparser")
	}
	got, e := runOutput(t, py, "-c",
		`import configparser,sys; c=configparser.RawConfigParser(); c.read(sys.argv[1]); print(c["options"]["db_password"], end="")`,
		dir+"/odoo.conf")
	if e.Code != 0 || got != pw {
		t.Errorf("RawConfigParser read %q (%v), want %q", got, e, pw)
	}
	php, err := exec.LookPath("php")
	if err != nil {
		skip.OrFail(t, "php is not installed: cannot read back with parse_ini_file")
	}
	got, e = runOutput(t, php, "-r", `echo parse_ini_file($argv[1], true)["db"]["password"];`, dir+"/app.ini")
	if e.Code != 0 || got != pw {
		t.Errorf("php read %q (%v), want %q", got, e, pw)
	}
}
