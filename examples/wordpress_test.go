package examples_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"appstart/runtime/harness"
)

// wpPassword and wpRotated hold the characters that break sed-based start
// scripts and naive PHP quoting: ' / & \ $.
const (
	wpPassword = `wp's/a&b\c$d`
	wpRotated  = `r0tated'/&\$x`
)

// wpOrigin is CLOUDRON_APP_ORIGIN: the address the test and Chromium use
// inside the container's network namespace.
const wpOrigin = "http://127.0.0.1:3000"

// TestWordPress runs Debian's WordPress 6.1 with Apache and mod_php against a
// real MariaDB, as the platform runs the package: WordPress's own installer
// on the first start, a post written through the REST API by a logged-in
// admin (the block editor's way) and read on the public page, a Chromium
// screenshot of it, a restart (content, secrets and the login kept, no second
// install), the database password rotated, the package version bumped (the
// database upgrade runs once), each stop by SIGTERM within the platform's
// grace, exit 0.
func TestWordPress(t *testing.T) {
	t.Parallel()
	harness.RequireCommands(t, "apache2", "php")
	if _, err := os.Stat("/usr/share/wordpress/wp-load.php"); err != nil {
		harness.SkipOrFail(t, "WordPress is not installed (%v): apt-get install wordpress wordpress-theme-twentytwentythree", err)
	}
	db := startMariaDB(t)
	db.createDatabase(t, "wordpress", wpPassword, "wordpress")

	// /app/pkg is a copy, so the version bump below edits its manifest.
	e := example{name: "wordpress"}
	pkg := t.TempDir()
	if out, err := exec.Command("cp", "-a", e.dir(t)+"/.", pkg).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v\n%s", err, out)
	}
	o := harness.Options{
		Argv:     []string{"/app/bin/appstart"},
		PkgDir:   pkg,
		Binaries: map[string]string{"/app/bin/appstart": harness.Binary(t)},
		// The Dockerfile copies image/ over /; here its /etc/wordpress
		// (the config-default.php symlink into /run) is mounted over the host's.
		Mounts: []harness.Mount{
			{Source: filepath.Join(pkg, "image/etc/wordpress"), Target: "/etc/wordpress"},
			{Source: db.SocketDir, Target: "/app/mysql"},
		},
	}
	env := func(password string) []string {
		return append(append(append([]string{}, harness.DefaultEnv...), "CLOUDRON_APP_ORIGIN="+wpOrigin),
			db.mysqlEnv("/app/mysql", "wordpress", password, "wordpress")...)
	}
	// 0. A first start whose database refuses the password: WordPress's
	// installer fails (its wp_die() would exit 0; wp.php makes it 1), so the
	// start fails, nothing is recorded, and the next start installs.
	o.Env = env("not-the-password")
	c := harness.Run(t, o)
	if r := c.Wait(startTimeout); r.ExitCode != 1 || !strings.Contains(r.Stderr, "Error establishing a database connection") {
		t.Fatalf("a first start with a wrong database password: exit %d, want 1 and WordPress's error\n%s", r.ExitCode, r.Stderr)
	}
	if _, err := os.Stat(filepath.Join(c.DataDir(), "wp.log")); err == nil {
		t.Fatalf("the failed install logged as done:\n%s", readData(t, c, "wp.log"))
	}
	o.DataDir = c.DataDir()
	o.Env = env(wpPassword)

	// 1. First start: WordPress's installer, then Apache.
	c = harness.Run(t, o)
	c.WaitForOutput("apache: ready", startTimeout)
	o.DataDir = c.DataDir()
	if !strings.Contains(c.Stderr()+c.Stdout(), "first_run 1 ran") {
		t.Errorf("first start did not report first_run:\n%s", c.Stderr())
	}
	config, err := os.ReadFile(c.HostPath("/run/wordpress/wp-config.php"))
	if err != nil {
		t.Fatal(err)
	}
	if want := `define('DB_PASSWORD', 'wp\'s/a&b\\c$d');`; !strings.Contains(string(config), want) {
		t.Fatalf("wp-config.php lacks %s (escape = \"php\"):\n%s", want, config)
	}
	keys := keysDigest(t, c.DataDir())
	admin := strings.TrimSpace(readData(t, c, "keys/admin_password"))

	b := newBrowser(t, c)
	if body := b.get("/", 200); !strings.Contains(body, "Hello world!") {
		t.Fatalf("GET / lacks the installer's first post:\n%.2000s", body)
	}
	wpLogin(t, b, "admin", admin)
	id := wpNewPost(t, b, "Written by appstart's test", "A post made through the REST API, as the block editor makes it.")
	postPath := "/?p=" + strconv.Itoa(id)
	// Read back as a visitor: no cookies.
	if body := newBrowser(t, c).get(postPath, 200); !strings.Contains(body, "Written by appstart&#8217;s test") ||
		!strings.Contains(body, "A post made through the REST API") {
		t.Fatalf("GET %s (public) lacks the post:\n%.3000s", postPath, body)
	}
	screenshot(t, c, wpOrigin+postPath)
	t.Logf("memory: %s", cgroupPeak(c))
	stop(t, c)

	// 2. Restart over the same volume: no second install, the same secrets,
	// the admin still logged in (the cookie is signed with the kept salts).
	c = harness.Run(t, o)
	c.WaitForOutput("apache: ready", startTimeout)
	if out := c.Stderr() + c.Stdout(); !strings.Contains(out, "first_run skipped") || strings.Contains(out, "upgrade ") {
		t.Errorf("restart: want first_run skipped and no upgrade:\n%s", c.Stderr())
	}
	if got := keysDigest(t, c.DataDir()); got != keys {
		t.Fatalf("the keys changed over a restart")
	}
	b = b.into(c) // the same cookies, the new container
	if body := b.get("/wp-admin/", 200); !strings.Contains(body, "Dashboard") {
		t.Fatalf("after a restart the admin's cookie no longer logs in:\n%.2000s", body)
	}
	if body := b.get(postPath, 200); !strings.Contains(body, "A post made through the REST API") {
		t.Fatalf("after a restart GET %s lacks the post", postPath)
	}
	// An operator's graceful reload (Apache's USR1 keeps the parent and
	// re-reads its config), then a restart of the program through the
	// control socket, which returns once Apache is ready again: the site
	// answers right after each.
	if r := c.Exec("/app/bin/appstart", "signal", "apache", "USR1"); r.ExitCode != 0 {
		t.Fatalf("appstart signal apache USR1: exit %d\n%s%s", r.ExitCode, r.Stdout, r.Stderr)
	}
	waitForCount(t, c, "resuming normal operations", 2)
	if r := c.Exec("/app/bin/appstart", "restart", "apache"); r.ExitCode != 0 {
		t.Fatalf("appstart restart apache: exit %d\n%s%s", r.ExitCode, r.Stdout, r.Stderr)
	}
	if body := b.get(postPath, 200); !strings.Contains(body, "A post made through the REST API") {
		t.Fatalf("right after appstart restart apache, GET %s lacks the post", postPath)
	}
	if r := c.Exec("/app/bin/appstart", "status"); r.ExitCode != 0 || !strings.Contains(r.Stdout, "running") {
		t.Fatalf("appstart status: exit %d\n%s%s", r.ExitCode, r.Stdout, r.Stderr)
	} else {
		t.Logf("appstart status:\n%s", r.Stdout)
	}
	// The scheduler addon's task, as the platform runs it beside the app.
	if r := c.Exec("/app/bin/appstart", "task", "cron"); r.ExitCode != 0 || !strings.Contains(readData(t, c, "wp.log"), "cron ran") {
		t.Fatalf("appstart task cron: exit %d\n%s\n%s", r.ExitCode, r.Stdout, r.Stderr)
	}

	// 3. The platform rotates the database password: the server changes it,
	// the app restarts with the new variable.
	db.setPassword(t, "wordpress", wpRotated)
	stop(t, c)
	o.Env = env(wpRotated)
	c = harness.Run(t, o)
	c.WaitForOutput("apache: ready", startTimeout)
	if body := newBrowser(t, c).get(postPath, 200); !strings.Contains(body, "A post made through the REST API") {
		t.Fatalf("after the password rotation GET %s lacks the post:\n%.2000s", postPath, body)
	}
	b = b.into(c)
	id2 := wpNewPost(t, b, "After the rotation", "Written with the new database password.")
	stop(t, c)

	// 4. A new package version: on_upgrade runs WordPress's database upgrade
	// once. The database is made to look like WordPress 6.0's (db_version
	// 51917), so the upgrade has real work to do.
	db.query(t, "UPDATE wordpress.wp_options SET option_value = '51917' WHERE option_name = 'db_version'")
	manifest := filepath.Join(pkg, "CloudronManifest.json")
	m, err := os.ReadFile(manifest)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(manifest, bytes.Replace(m, []byte(`"version": "6.1.9-1"`), []byte(`"version": "6.1.9-2"`), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	c = harness.Run(t, o)
	c.WaitForOutput("apache: ready", startTimeout)
	if !strings.Contains(c.Stderr()+c.Stdout(), "upgrade 6.1.9-1 -> 6.1.9-2, 1 ran") {
		t.Errorf("the version bump did not run on_upgrade:\n%s", c.Stderr())
	}
	if got := db.query(t, "SELECT option_value FROM wordpress.wp_options WHERE option_name = 'db_version'"); got != "53496" {
		t.Errorf("db_version after the upgrade = %s, want WordPress 6.1's 53496", got)
	}
	if body := newBrowser(t, c).get("/?p="+strconv.Itoa(id2), 200); !strings.Contains(body, "Written with the new database password.") {
		t.Fatalf("after the upgrade the second post is missing")
	}
	stop(t, c)

	// 5. The same version again: nothing to upgrade.
	c = harness.Run(t, o)
	c.WaitForOutput("apache: ready", startTimeout)
	b = b.into(c)
	if body := b.get("/wp-admin/", 200); !strings.Contains(body, "Dashboard") {
		t.Fatalf("after the upgrade the admin's cookie no longer logs in")
	}
	stop(t, c)
	log := readData(t, c, "wp.log")
	if n := lines(log, "install: WordPress 6.1"); n != 1 {
		t.Errorf("the installer ran %d times, want once:\n%s", n, log)
	}
	if n := lines(log, "upgrade: db_version 51917 -> 53496"); n != 1 || lines(log, "upgrade:") != 1 {
		t.Errorf("the upgrade ran %d times, want once (51917 -> 53496):\n%s", lines(log, "upgrade:"), log)
	}
	if got := keysDigest(t, c.DataDir()); got != keys {
		t.Fatalf("the keys changed over the restarts")
	}
}

// cgroupPeak is the container's peak memory use as its cgroup counts it
// (Apache, mod_php and WordPress; the database is outside), for the log.
func cgroupPeak(c *harness.Container) string {
	cg := c.Cgroup()
	for _, f := range []string{"memory.peak", "memory.max_usage_in_bytes"} {
		if b, err := os.ReadFile(filepath.Join(cg.Memory, f)); err == nil {
			n, _ := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
			return fmt.Sprintf("cgroup peak %d MiB (%s)", n>>20, f)
		}
	}
	return "no peak counter in " + cg.Memory
}

// waitForCount waits until the container's stderr holds substr n times.
func waitForCount(t *testing.T, c *harness.Container, substr string, n int) {
	t.Helper()
	deadline := time.Now().Add(startTimeout)
	for strings.Count(c.Stderr(), substr) < n {
		if time.Now().After(deadline) {
			t.Fatalf("stderr holds %q %d times after %s, want %d:\n%s", substr, strings.Count(c.Stderr(), substr), startTimeout, n, c.Stderr())
		}
		time.Sleep(20 * time.Millisecond) // a poll, bounded by the deadline
	}
}

// into is the browser with its cookies, talking to container c.
func (b *browser) into(c *harness.Container) *browser {
	nb := newBrowser(b.t, c)
	nb.client.Jar = b.client.Jar
	return nb
}

// wpLogin logs in through wp-login.php's form, as a person does: the first
// GET sets WordPress's test cookie, the POST sets the auth cookies and
// redirects to the dashboard.
func wpLogin(t *testing.T, b *browser, user, password string) {
	t.Helper()
	b.get("/wp-login.php", 200)
	body := b.post("/wp-login.php", url.Values{"log": {user}, "pwd": {password}, "testcookie": {"1"},
		"wp-submit": {"Log In"}, "redirect_to": {wpOrigin + "/wp-admin/"}}, 200)
	if !strings.Contains(body, "Dashboard") {
		t.Fatalf("login as %s did not reach the dashboard:\n%.3000s", user, body)
	}
}

// wpNewPost publishes a post through the REST API with the logged-in
// browser's cookies and a REST nonce, as the block editor does, and returns
// its id.
func wpNewPost(t *testing.T, b *browser, title, content string) int {
	t.Helper()
	nonce := strings.TrimSpace(b.get("/wp-admin/admin-ajax.php?action=rest-nonce", 200))
	if !regexp.MustCompile(`^[0-9a-f]{10}$`).MatchString(nonce) {
		t.Fatalf("rest-nonce = %q, want a nonce (is the browser logged in?)", nonce)
	}
	payload, _ := json.Marshal(map[string]string{"title": title, "content": content, "status": "publish"})
	req, err := http.NewRequest("POST", wpOrigin+"/?rest_route=/wp/v2/posts", bytes.NewReader(payload))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-WP-Nonce", nonce)
	resp, err := b.client.Do(req)
	if err != nil {
		t.Fatalf("POST /wp/v2/posts: %v", err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	var post struct {
		ID   int    `json:"id"`
		Link string `json:"link"`
	}
	if resp.StatusCode != 201 || json.Unmarshal(out, &post) != nil || post.ID == 0 {
		t.Fatalf("POST /wp/v2/posts = %d, want 201 and a post:\n%.2000s", resp.StatusCode, out)
	}
	return post.ID
}

// keysDigest hashes the salts and keys WordPress signs cookies with.
func keysDigest(t *testing.T, data string) string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(data, "keys", "*"))
	if err != nil || len(files) != 9 {
		t.Fatalf("keys: %v %v, want 9 files", files, err)
	}
	sort.Strings(files)
	h := sha256.New()
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(h, "%s %d %x\n", filepath.Base(f), len(b), sha256.Sum256(b))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// screenshot renders url with headless Chromium in the container's network
// namespace (the host's Chromium, nsenter --net: the app is reachable only
// there) into the test's artifact directory (kept with go test -artifacts),
// logs its path and checks it is a real page-sized PNG.
func screenshot(t *testing.T, c *harness.Container, u string) {
	t.Helper()
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		harness.SkipOrFail(t, "no chromium for the screenshot: apt-get install chromium")
	}
	harness.RequireCommands(t, "nsenter")
	out := filepath.Join(t.ArtifactDir(), "wordpress-post.png")
	profile := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "nsenter", "--net=/proc/"+strconv.Itoa(c.Pid1())+"/ns/net", "--",
		chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
		"--no-first-run", "--user-data-dir="+profile, "--window-size=1280,1000", "--screenshot="+out, u)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + profile}
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium --screenshot: %v\n%s", err, b)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatalf("chromium wrote no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot %s: %v", out, err)
	}
	if sz := img.Bounds().Size(); sz.X != 1280 || sz.Y != 1000 {
		t.Errorf("screenshot is %v, want 1280x1000", sz)
	}
	t.Logf("screenshot of %s: %s", u, out)
	// Chromium fetched the page: Apache logged its request.
	c.WaitForOutput("HeadlessChrome", startTimeout)
}
