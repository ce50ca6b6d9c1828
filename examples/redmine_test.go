package examples_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"appstart/runtime/harness"
)

// redminePassword is the addon's first database password: the characters
// that break sed and naive quoting, a YAML quote, and "<%", which Rails'
// ERB pass over database.yml would run as Ruby unless the template escapes it.
const redminePassword = `it's/a&b\c$d"<%= 6*7 %>: #x`

// redmineStart bounds a start of Redmine on a loaded 2-CPU machine: a rake
// (one Rails boot) or two, then puma's own boot.
const redmineStart = 3 * time.Minute

// TestRedmine installs Debian's Redmine 5.0 against a real PostgreSQL and
// uses it as a person and the platform would: the first run loads Redmine's
// default data; the admin logs in through the login form, changes the
// password Redmine forces them to change and reads their API key; an issue
// is created through the REST API and read back; a git repository is
// registered through Redmine's repository web service and the scheduled
// fetch program links its "refs #N" commit to the issue. Then a restart
// (content kept, first run not repeated, secrets unchanged: the browser's
// session cookie is still good), a database password rotated in the
// environment, and a version bump whose on_upgrade runs once. Every stop is
// a SIGTERM that must end with exit 0 within the platform's 10 s.
func TestRedmine(t *testing.T) {
	t.Parallel()
	harness.RequireCommands(t, "puma", "rake", "curl", "git")
	if _, err := os.Stat("/usr/share/redmine/config.ru"); err != nil {
		harness.SkipOrFail(t, "Debian's redmine is not installed (%v): apt-get install redmine redmine-pgsql puma", err)
	}
	pg := startPostgres(t)
	pg.createDatabase(t, "redmine", redminePassword, "redmine")

	pkg := copyDir(t, "redmine")
	o := harness.Options{
		Argv:     []string{"/app/bin/appstart"},
		PkgDir:   pkg,
		Binaries: map[string]string{"/app/bin/appstart": harness.Binary(t)},
		Mounts:   append(redmineImage(t), harness.Mount{Source: pg.SocketDir, Target: "/app/pgsql"}),
		Env:      append(append([]string{}, harness.DefaultEnv...), pg.env("/app/pgsql", "redmine", redminePassword, "redmine")...),
		// 256 MiB, all of it RAM. The platform's split (half RAM, half
		// swap) leaves 128 MiB of RAM on a machine without swap, as this
		// one is, and no Rails fits that: the first migration was
		// OOM-killed at 127 MB anonymous RSS.
		MemoryLimit: 256 << 20,
		RAMLimit:    256 << 20,
	}

	// 1. Install: schema, default data, settings, puma, the worker.
	c := harness.Run(t, o)
	c.WaitForOutput("web: ready", redmineStart)
	rendered, err := os.ReadFile(c.HostPath("/run/redmine/config/database.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if want := `password: "it's/a&b\\c$d\"\x3C%= 6*7 %>: #x"`; !strings.Contains(string(rendered), want) {
		t.Fatalf("database.yml lacks %s:\n%s", want, rendered)
	}
	rm := newRedmineClient(t, c)
	rm.login("admin", "admin")
	adminPassword := "appstart-Admin-1"
	rm.changePassword("admin", adminPassword)
	apiKey := rm.apiKey("admin", adminPassword)
	var project struct {
		Project struct {
			ID int `json:"id"`
		} `json:"project"`
	}
	decode(t, rm.rest("POST", "/projects.json", apiKey, `{"project":{"name":"Appstart","identifier":"appstart"}}`, 201), &project)
	created := rm.rest("POST", "/issues.json", apiKey, fmt.Sprintf(
		`{"issue":{"project_id":%d,"subject":"Started by appstart","description":"Written through the REST API."}}`, project.Project.ID), 201)
	var issue struct {
		Issue struct {
			ID          int    `json:"id"`
			Subject     string `json:"subject"`
			Description string `json:"description"`
			Changesets  []struct {
				Revision string `json:"revision"`
				Comments string `json:"comments"`
			} `json:"changesets"`
		} `json:"issue"`
	}
	decode(t, created, &issue)
	id := issue.Issue.ID
	issuePath := fmt.Sprintf("/issues/%d.json", id)
	decode(t, rm.rest("GET", issuePath, apiKey, "", 200), &issue)
	if issue.Issue.Subject != "Started by appstart" || issue.Issue.Description != "Written through the REST API." {
		t.Fatalf("GET %s = %+v", issuePath, issue.Issue)
	}

	// The worker: a repository on the volume whose commit refers to the
	// issue, registered through /sys with the kept key; the scheduled fetch
	// (every minute) links the commit, as no page view does (autofetch off).
	sysKey := strings.TrimSpace(readData(t, c, ".sys_api_key"))
	makeGitRepo(t, filepath.Join(c.DataDir(), "repos", "appstart.git"), fmt.Sprintf("Start under appstart, refs #%d", id))
	rm.form("POST", "/sys/projects/appstart/repository", url.Values{
		"key": {sysKey}, "vendor": {"Git"}, "repository[url]": {"/app/data/repos/appstart.git"}, "repository[identifier]": {"main"},
	}, 201)
	linked := func() bool {
		decode(t, rm.rest("GET", issuePath+"?include=changesets", apiKey, "", 200), &issue)
		return len(issue.Issue.Changesets) == 1 && strings.Contains(issue.Issue.Changesets[0].Comments, "refs #")
	}
	// The next minute's run links it: a deadline of two minutes and a half,
	// looking every 2 s.
	deadline := time.Now().Add(150 * time.Second)
	tick := time.NewTicker(2 * time.Second)
	defer tick.Stop()
	for !linked() {
		if time.Now().After(deadline) {
			t.Fatalf("no changeset linked to issue %d 150 s after the repository was added:\n%s", id, c.Stdout()+c.Stderr())
		}
		<-tick.C
	}
	if !strings.Contains(c.Stdout(), "fetch | fetch_changesets: 200") {
		t.Errorf("the fetch program's answer is not in the output:\n%s", c.Stdout())
	}
	t.Logf("memory: %s", redmineMemory(c))
	secrets := readData(t, c, ".secret_key_base") + readData(t, c, ".sys_api_key")
	stop(t, c)

	// 2. Restart over the same volume: the issue is there, the first run is
	// not repeated, the secrets are the same: the session cookie the browser
	// got from the first container still logs it in.
	o.DataDir = c.DataDir()
	c = harness.Run(t, o)
	c.WaitForOutput("web: ready", redmineStart)
	rm.use(c)
	decode(t, rm.rest("GET", issuePath, apiKey, "", 200), &issue)
	if issue.Issue.Subject != "Started by appstart" {
		t.Fatalf("after a restart GET %s = %+v", issuePath, issue.Issue)
	}
	if body := rm.get("/my/account", 200); !strings.Contains(body, `href="/logout"`) {
		t.Fatalf("after a restart the session cookie no longer logs in (secret_key_base changed?):\n%.2000s", body)
	}
	if out := c.Stdout() + c.Stderr(); strings.Contains(out, "appstart:first_run") {
		t.Fatalf("first_run ran again on restart:\n%s", out)
	}
	if got := readData(t, c, ".secret_key_base") + readData(t, c, ".sys_api_key"); got != secrets {
		t.Fatal("the secrets changed over a restart")
	}

	// 3. The platform rotates the database password: ALTER ROLE, then a
	// start with the new CLOUDRON_POSTGRESQL_PASSWORD.
	const rotated = `rotated'pw/2\<%#`
	pg.query(t, "postgres", "ALTER ROLE redmine PASSWORD "+sqlString(rotated))
	stop(t, c)
	o.Env = append(append([]string{}, harness.DefaultEnv...), pg.env("/app/pgsql", "redmine", rotated, "redmine")...)
	c = harness.Run(t, o)
	c.WaitForOutput("web: ready", redmineStart)
	rm.use(c)
	rm.rest("PUT", issuePath, apiKey, `{"issue":{"notes":"written after the password rotation"}}`, 204)
	stop(t, c)

	// 4. A new package version: on_upgrade runs once (the first run recorded
	// 5.0.4 without running it, and the restarts kept 5.0.4).
	if _, err := os.Stat(filepath.Join(o.DataDir, "upgrades.log")); err == nil {
		t.Fatal("on_upgrade ran before any version bump")
	}
	manifest := filepath.Join(pkg, "CloudronManifest.json")
	m, err := os.ReadFile(manifest)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(manifest, bytes.Replace(m, []byte(`"version": "5.0.4"`), []byte(`"version": "5.0.5"`), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	c = harness.Run(t, o)
	c.WaitForOutput("web: ready", redmineStart)
	rm.use(c)
	decode(t, rm.rest("GET", issuePath+"?include=journals", apiKey, "", 200), &issue)
	stop(t, c)
	if got := readData(t, c, "upgrades.log"); got != "5.0.4 -> 5.0.5\n" {
		t.Fatalf("upgrades.log = %q, want one upgrade from 5.0.4 to 5.0.5", got)
	}
	// The database agrees, seen from outside.
	if got := pg.query(t, "redmine", "SELECT count(*) FROM journals WHERE notes LIKE 'written after%'"); got != "1" {
		t.Fatalf("journals written after the rotation = %s, want 1", got)
	}
}

// TestRedmineCheck runs `appstart check` in the image's layout, as the
// Dockerfile's `RUN appstart check` does: the spec, www-data, rake, puma and
// curl on PATH, the template sources and their placeholders.
func TestRedmineCheck(t *testing.T) {
	t.Parallel()
	harness.RequireCommands(t, "puma", "rake", "curl")
	o := harness.Options{
		Argv:     []string{"/app/bin/appstart", "check"},
		PkgDir:   example{name: "redmine"}.dir(t),
		Binaries: map[string]string{"/app/bin/appstart": harness.Binary(t)},
		Mounts:   redmineImage(t),
	}
	r := harness.Run(t, o).Wait(startTimeout)
	if r.ExitCode != 0 || !strings.Contains(r.Stdout, ": ok (") || strings.Contains(r.Stderr, "(warning)") {
		t.Fatalf("appstart check exit %d\nstdout: %s\nstderr: %s", r.ExitCode, r.Stdout, r.Stderr)
	}
}

// redmineImage lays out what image-links.sh makes in the image: a copy of
// each directory it changes, with the script run over the copies (the
// Gemfile.lock it locks anew included), mounted over the host's own (the
// harness root is the host's, read-only).
func redmineImage(t testing.TB) []harness.Mount {
	t.Helper()
	root := t.TempDir()
	dirs := []string{"/etc/redmine", "/var/log/redmine", "/var/cache/redmine", "/var/lib/redmine"}
	for _, d := range dirs {
		if err := os.MkdirAll(filepath.Dir(root+d), 0o755); err != nil {
			t.Fatal(err)
		}
		run(t, "cp", "-a", d, root+d)
	}
	cmd := exec.Command("sh", "image-links.sh")
	cmd.Dir = "redmine"
	cmd.Env = []string{"PATH=/usr/bin:/bin", "ROOT=" + root, "HOME=" + t.TempDir()}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("image-links.sh: %v\n%s", err, out)
	}
	var mounts []harness.Mount
	for _, d := range dirs {
		mounts = append(mounts, harness.Mount{Source: root + d, Target: d})
	}
	return mounts
}

// copyDir copies an example into a temporary directory (the test bumps its
// manifest's version).
func copyDir(t testing.TB, name string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), name)
	run(t, "cp", "-r", name, dst)
	return dst
}

// makeGitRepo makes a bare repository at dir holding one commit with message,
// owned by www-data as the app's files on the volume are.
func makeGitRepo(t *testing.T, dir, message string) {
	t.Helper()
	work := t.TempDir()
	git := []string{"git", "-c", "user.name=Appstart Test", "-c", "user.email=test@example.invalid", "-C", work}
	run(t, append(git, "init", "-q")...)
	if err := os.WriteFile(filepath.Join(work, "README"), []byte("started by appstart\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, append(git, "add", "README")...)
	run(t, append(git, "commit", "-q", "-m", message)...)
	run(t, "git", "clone", "-q", "--bare", work, dir)
	u, err := user.Lookup("www-data")
	if err != nil {
		t.Fatal(err)
	}
	run(t, "chown", "-R", u.Uid+":"+u.Gid, filepath.Dir(dir))
}

// run runs a host command (the test drives the host from outside any
// container, so os/exec's Wait is its own to use).
func run(t testing.TB, argv ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, argv[0], argv[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(argv, " "), err, out)
	}
}

// redmineMemory is the container's memory: each process's RSS and the
// cgroup's peak, read on the host.
func redmineMemory(c *harness.Container) string {
	cg := c.Cgroup()
	procs, _ := os.ReadFile(filepath.Join(cg.Memory, "cgroup.procs"))
	var parts []string
	for _, pid := range strings.Fields(string(procs)) {
		status, err := os.ReadFile("/proc/" + pid + "/status")
		if err != nil {
			continue
		}
		name, rss := "", ""
		for _, l := range strings.Split(string(status), "\n") {
			if v, ok := strings.CutPrefix(l, "Name:"); ok {
				name = strings.TrimSpace(v)
			}
			if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
				rss = strings.Join(strings.Fields(v), " ")
			}
		}
		parts = append(parts, name+" "+rss)
	}
	for _, f := range []string{"memory.max_usage_in_bytes", "memory.peak"} {
		if b, err := os.ReadFile(filepath.Join(cg.Memory, f)); err == nil {
			n, _ := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
			parts = append(parts, fmt.Sprintf("cgroup peak %d MiB", n>>20))
		}
	}
	return strings.Join(parts, ", ")
}

func decode(t *testing.T, body string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("not the JSON expected: %v\n%s", err, body)
	}
}

// redmineClient is a person's browser and a REST client for Redmine in one
// container; use moves it (cookies included) to the next container.
type redmineClient struct {
	t      *testing.T
	jar    http.CookieJar
	client *http.Client
}

func newRedmineClient(t *testing.T, c *harness.Container) *redmineClient {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	r := &redmineClient{t: t, jar: jar}
	r.use(c)
	return r
}

func (r *redmineClient) use(c *harness.Container) {
	client := *c.HTTPClient()
	client.Jar = r.jar
	client.Timeout = 60 * time.Second
	r.client = &client
}

// csrfToken is Rails' authenticity token in a form of the page.
var csrfToken = regexp.MustCompile(`name="authenticity_token" value="([^"]+)"`)

func (r *redmineClient) token(path string) string {
	r.t.Helper()
	m := csrfToken.FindStringSubmatch(r.get(path, 200))
	if m == nil {
		r.t.Fatalf("no authenticity_token on %s", path)
	}
	return m[1]
}

// login signs in through the login form. The admin of a fresh install must
// change Redmine's default password first, so the form leads to /my/password.
func (r *redmineClient) login(name, password string) {
	r.t.Helper()
	tok := r.token("/login")
	body := r.form("POST", "/login", url.Values{"authenticity_token": {tok}, "username": {name}, "password": {password}}, 200)
	if !strings.Contains(body, "new_password_confirmation") {
		r.t.Fatalf("logging in as %s did not lead to the password change Redmine requires:\n%.3000s", name, body)
	}
}

func (r *redmineClient) changePassword(old, new string) {
	r.t.Helper()
	tok := r.token("/my/password")
	body := r.form("POST", "/my/password", url.Values{"authenticity_token": {tok}, "password": {old},
		"new_password": {new}, "new_password_confirmation": {new}}, 200)
	if !strings.Contains(body, "Password was successfully updated") {
		r.t.Fatalf("the password change failed:\n%.3000s", body)
	}
}

// apiKey is the user's REST key as /my/account.json shows it to them.
func (r *redmineClient) apiKey(name, password string) string {
	r.t.Helper()
	req, err := http.NewRequest("GET", "http://127.0.0.1:3000/my/account.json", nil)
	if err != nil {
		r.t.Fatal(err)
	}
	req.SetBasicAuth(name, password)
	var account struct {
		User struct {
			APIKey string `json:"api_key"`
		} `json:"user"`
	}
	decode(r.t, r.do(req, 200), &account)
	if account.User.APIKey == "" {
		r.t.Fatal("/my/account.json has no api_key")
	}
	return account.User.APIKey
}

func (r *redmineClient) get(path string, want int) string {
	r.t.Helper()
	req, err := http.NewRequest("GET", "http://127.0.0.1:3000"+path, nil)
	if err != nil {
		r.t.Fatal(err)
	}
	return r.do(req, want)
}

func (r *redmineClient) form(method, path string, form url.Values, want int) string {
	r.t.Helper()
	req, err := http.NewRequest(method, "http://127.0.0.1:3000"+path, strings.NewReader(form.Encode()))
	if err != nil {
		r.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r.do(req, want)
}

// rest calls the REST API with key, body as JSON.
func (r *redmineClient) rest(method, path, key, body string, want int) string {
	r.t.Helper()
	req, err := http.NewRequest(method, "http://127.0.0.1:3000"+path, strings.NewReader(body))
	if err != nil {
		r.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Redmine-API-Key", key)
	return r.do(req, want)
}

func (r *redmineClient) do(req *http.Request, want int) string {
	r.t.Helper()
	resp, err := r.client.Do(req)
	if err != nil {
		r.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		r.t.Fatalf("%s %s: cannot read the body: %v", req.Method, req.URL.Path, err)
	}
	if resp.StatusCode != want {
		r.t.Fatalf("%s %s = %d, want %d\n%.3000s", req.Method, req.URL.Path, resp.StatusCode, want, body)
	}
	return string(body)
}
