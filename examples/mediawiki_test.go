package examples_test

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"appstart/runtime/harness"
)

// mwStartTimeout bounds one MediaWiki start on a busy machine: install.php
// or update.php, php-fpm and nginx ready.
const mwStartTimeout = 120 * time.Second

// mwPage is the page the test writes through the API and reads back.
const mwPage = "Appstart_test"

// mediawiki runs examples/mediawiki in the harness the way its Dockerfile lays
// the image out: the example directory as /app/pkg, Debian's MediaWiki from
// the (read-only) root, and the image's symlink /etc/mediawiki/LocalSettings.php
// -> /run/mediawiki/LocalSettings.php, which the harness cannot make on the
// host's root, mounted from image/etc/mediawiki over /etc/mediawiki.
type mediawiki struct {
	t       *testing.T
	pg      *postgres
	pkg     string // /app/pkg
	image   string // mounted over /etc/mediawiki
	data    string // /app/data, kept across starts
	env     []string
	argv    []string
	outputs []string // every start's stdout+stderr, for counting
}

func newMediaWiki(t *testing.T, pg *postgres, password string) *mediawiki {
	dir, err := filepath.Abs("mediawiki")
	if err != nil {
		t.Fatal(err)
	}
	m := &mediawiki{t: t, pg: pg, pkg: dir, image: filepath.Join(dir, "image", "etc", "mediawiki"), data: t.TempDir(),
		argv: []string{"/app/bin/appstart"}}
	m.setPassword(password)
	return m
}

func (m *mediawiki) setPassword(password string) {
	m.env = append(append([]string{}, harness.DefaultEnv...), m.pg.env("/app/pgsql", "wiki", password, "wiki")...)
}

func (m *mediawiki) options() harness.Options {
	return harness.Options{
		Argv:     m.argv,
		Env:      m.env,
		PkgDir:   m.pkg,
		DataDir:  m.data,
		Binaries: map[string]string{"/app/bin/appstart": harness.Binary(m.t)},
		Mounts: []harness.Mount{
			{Source: m.pg.SocketDir, Target: "/app/pgsql"},
			{Source: m.image, Target: "/etc/mediawiki"},
		},
	}
}

// start runs one container until nginx answers and returns it.
func (m *mediawiki) start() *harness.Container {
	m.t.Helper()
	c := harness.Run(m.t, m.options())
	c.WaitForOutput("nginx: ready", mwStartTimeout)
	return c
}

// stop stops c with SIGTERM (exit 0 within the grace) and keeps its output.
func (m *mediawiki) stop(c *harness.Container) {
	m.t.Helper()
	r := stop(m.t, c)
	m.outputs = append(m.outputs, r.Stdout+r.Stderr)
}

// count is how many starts so far printed substr.
func (m *mediawiki) count(substr string) int {
	n := 0
	for _, out := range m.outputs {
		if strings.Contains(out, substr) {
			n++
		}
	}
	return n
}

// api calls api.php with params (GET when form is nil) and decodes the JSON.
func (b *browser) api(params url.Values, post bool) map[string]any {
	b.t.Helper()
	params.Set("format", "json")
	params.Set("formatversion", "2")
	var body string
	if post {
		body = b.post("/api.php", params, 200)
	} else {
		body = b.get("/api.php?"+params.Encode(), 200)
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		b.t.Fatalf("api.php %v: not JSON: %v\n%s", params, err, body)
	}
	if e, ok := v["error"]; ok {
		b.t.Fatalf("api.php %v: error %v", params, e)
	}
	return v
}

// jpath walks v along keys.
func jpath(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// login logs in as the admin through the API's login token, as a bot or a
// script does.
func (b *browser) login(user, password string) {
	b.t.Helper()
	tok := jpath(b.api(url.Values{"action": {"query"}, "meta": {"tokens"}, "type": {"login"}}, false), "query", "tokens", "logintoken")
	s, _ := tok.(string)
	if s == "" {
		b.t.Fatal("api.php gave no login token")
	}
	r := b.api(url.Values{"action": {"login"}, "lgname": {user}, "lgpassword": {password}, "lgtoken": {s}}, true)
	if got := jpath(r, "login", "result"); got != "Success" {
		b.t.Fatalf("login as %s: %v", user, r)
	}
}

// edit writes text to title with a CSRF token.
func (b *browser) edit(title, text string) {
	b.t.Helper()
	tok, _ := jpath(b.api(url.Values{"action": {"query"}, "meta": {"tokens"}}, false), "query", "tokens", "csrftoken").(string)
	if tok == "" || tok == `+\` {
		b.t.Fatalf("api.php gave no CSRF token for a logged-in user: %q", tok)
	}
	r := b.api(url.Values{"action": {"edit"}, "title": {title}, "text": {text}, "summary": {"appstart test"}, "token": {tok}}, true)
	if got := jpath(r, "edit", "result"); got != "Success" {
		b.t.Fatalf("edit %s: %v", title, r)
	}
}

// whoami is the name the session is logged in as ("" for anonymous).
func (b *browser) whoami() string {
	b.t.Helper()
	r := b.api(url.Values{"action": {"query"}, "meta": {"userinfo"}}, false)
	if anon, _ := jpath(r, "query", "userinfo", "anon").(bool); anon {
		return ""
	}
	name, _ := jpath(r, "query", "userinfo", "name").(string)
	return name
}

// TestMediaWiki runs Debian's MediaWiki 1.39 against a real PostgreSQL 15 as
// a user and the platform would: first start (install.php), a page written
// through api.php and read through index.php, a restart (the content, the
// secrets and the login session kept, no second install), the database
// password rotated (the next start uses the new one), a package version bump
// (update.php once, not again on the next start), each stop a SIGTERM that
// ends with exit 0 within the platform's grace.
func TestMediaWiki(t *testing.T) {
	t.Parallel()
	harness.RequireCommands(t, "nginx", "php-fpm8.2", "php")
	if _, err := os.Stat("/usr/share/mediawiki/maintenance/install.php"); err != nil {
		harness.SkipOrFail(t, "MediaWiki is not installed (%v): apt-get install mediawiki", err)
	}
	pg := startPostgres(t)
	pg.createDatabase(t, "wiki", pgPassword, "wiki")
	m := newMediaWiki(t, pg, pgPassword)

	// 1. First start: install.php makes the schema, the admin and the main page.
	c := m.start()
	out := c.Stdout() + c.Stderr()
	if !strings.Contains(out, "MediaWiki has been successfully installed") {
		t.Fatalf("first start: no install.php success line:\n%s", out)
	}
	settings, err := os.ReadFile(c.HostPath("/run/mediawiki/LocalSettings.php"))
	if err != nil {
		t.Fatal(err)
	}
	if want := `$wgDBpassword = 'it\'s/a&b\\c$d';`; !strings.Contains(string(settings), want) {
		t.Fatalf("LocalSettings.php lacks %s:\n%s", want, settings)
	}
	b := newBrowser(t, c)
	if body := b.get("/healthz", 200); body != "ok\n" {
		t.Fatalf("GET /healthz = %q", body)
	}
	if body := b.get("/index.php?title=Main_Page", 200); !strings.Contains(body, "MediaWiki has been installed") {
		t.Fatalf("the main page install.php writes is not there:\n%.2000s", body)
	}
	admin := strings.TrimSpace(readData(t, c, ".admin_password"))
	b.login("admin", admin)
	b.edit(mwPage, "Written through '''api.php''' by the appstart test.")
	if body := b.get("/index.php?title="+mwPage, 200); !strings.Contains(body, "Written through <b>api.php</b> by the appstart test.") {
		t.Fatalf("GET index.php?title=%s lacks the text written:\n%.3000s", mwPage, body)
	}
	secret, upgrade := readData(t, c, ".wg_secret_key"), readData(t, c, ".wg_upgrade_key")
	if len(strings.TrimSpace(secret)) != 64 || len(strings.TrimSpace(upgrade)) != 16 {
		t.Fatalf("secrets: wgSecretKey %q, wgUpgradeKey %q: want 64 and 16 hex digits", secret, upgrade)
	}
	m.stop(c)

	// 2. Restart over the same volume and database: nothing installed again,
	// the same secrets, and the session of before still logged in (sessions
	// live in the database and are signed with $wgSecretKey).
	c = m.start()
	b.client.Transport = newBrowser(t, c).client.Transport
	if got := b.whoami(); got != "Admin" {
		t.Errorf("after a restart the session is logged in as %q, want Admin (a new $wgSecretKey logs everyone out)", got)
	}
	if body := b.get("/index.php?title="+mwPage+"&action=raw", 200); body != "Written through '''api.php''' by the appstart test." {
		t.Fatalf("after a restart the page holds %q", body)
	}
	if s, u := readData(t, c, ".wg_secret_key"), readData(t, c, ".wg_upgrade_key"); s != secret || u != upgrade {
		t.Fatal("the secrets changed over a restart")
	}
	m.stop(c)

	// 3. The platform rotates the database password: ALTER ROLE, then a start
	// with the new CLOUDRON_POSTGRESQL_PASSWORD.
	const newPassword = `n3w'pa\ss/&$x`
	pg.query(t, "postgres", "ALTER ROLE wiki PASSWORD "+sqlString(newPassword))
	m.setPassword(newPassword)
	c = m.start()
	b.client.Transport = newBrowser(t, c).client.Transport
	b.edit(mwPage, "Edited after the password rotation.")
	if body := b.get("/index.php?title="+mwPage, 200); !strings.Contains(body, "Edited after the password rotation.") {
		t.Fatalf("after the rotation the page lacks the new text:\n%.3000s", body)
	}
	m.stop(c)

	// 4. A new package version: update.php runs once, then never again.
	m.pkg = bumpedPackage(t, m.pkg, "1.0.1")
	c = m.start()
	b.client.Transport = newBrowser(t, c).client.Transport
	if body := b.get("/index.php?title="+mwPage+"&action=raw", 200); body != "Edited after the password rotation." {
		t.Fatalf("after the upgrade the page holds %q", body)
	}
	m.stop(c)
	c = m.start()
	m.stop(c)
	if got := strings.TrimSpace(readData(t, c, ".appstart-version")); got != "1.0.1" {
		t.Errorf("recorded version %q, want 1.0.1", got)
	}

	if n := m.count("MediaWiki has been successfully installed"); n != 1 {
		t.Errorf("install.php ran in %d starts, want 1", n)
	}
	if n := m.count("Running on_upgrade"); n != 1 {
		t.Errorf("update.php ran in %d starts, want 1 (the bump)", n)
	}
	if !strings.Contains(m.outputs[3], "update.php") || !strings.Contains(m.outputs[3], "Done in") {
		t.Errorf("the bumped start did not show update.php finishing:\n%s", m.outputs[3])
	}
	if got := pg.query(t, "wiki", "SELECT count(*) FROM mediawiki.revision r JOIN mediawiki.page p ON p.page_id = r.rev_page WHERE p.page_title = '"+mwPage+"'"); got != "2" {
		t.Errorf("revisions of %s in the database: %s, want 2", mwPage, got)
	}
}

// bumpedPackage copies the package's files to a new /app/pkg whose
// CloudronManifest.json says version, as a new image would.
func bumpedPackage(t *testing.T, from, version string) string {
	t.Helper()
	to := t.TempDir()
	entries, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if e.Name() == "CloudronManifest.json" {
			var m map[string]any
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			m["version"] = version
			if b, err = json.MarshalIndent(m, "", "  "); err != nil {
				t.Fatal(err)
			}
		}
		info, _ := e.Info()
		if err := os.WriteFile(filepath.Join(to, e.Name()), b, info.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	return to
}
