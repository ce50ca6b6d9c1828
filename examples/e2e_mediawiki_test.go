package examples_test

import (
	"net/http"
	"strings"
	"testing"

	"appstart/runtime/harness"
)

// mediawikiE2E: Debian's MediaWiki against PostgreSQL in a second container,
// reached as host "postgresql" with a password holding ' / & \ $; run 1
// installs (install.php), logs in and writes a page through api.php; run 2
// does not install again, still has the page and the session of run 1 (the
// same $wgSecretKey).
func mediawikiE2E(t *testing.T, env e2eEnv) e2eCase {
	pg := startDockerPostgres(t, harness.Docker(t), env.base, env.network)
	pg.createDatabase(t, "wiki", pgPassword, "wiki")
	var jar http.CookieJar
	return e2eCase{name: "mediawiki", ready: "nginx: ready", env: pg.env("wiki", pgPassword, "wiki"),
		secret: "/app/data/.wg_secret_key",
		check: func(t *testing.T, run int, c *harness.DockerContainer, b *browser) {
			out, errOut := c.Logs()
			installed := strings.Contains(out+errOut, "MediaWiki has been successfully installed")
			if run == 2 {
				if installed {
					t.Errorf("run 2: install.php ran again")
				}
				b.client.Jar = jar
				if got := b.whoami(); got != "Admin" {
					t.Errorf("run 2: the session of run 1 is logged in as %q, want Admin", got)
				}
				if body := b.get("/index.php?title="+mwPage+"&action=raw", 200); body != "Written in Docker." {
					t.Fatalf("run 2: the page holds %q", body)
				}
				return
			}
			if !installed {
				t.Fatalf("run 1: no install.php success line:\nstdout:\n%s\nstderr:\n%s", out, errOut)
			}
			if s := catIn(t, c, "/run/mediawiki/LocalSettings.php"); !strings.Contains(s, `$wgDBpassword = 'it\'s/a&b\\c$d';`) ||
				!strings.Contains(s, `$wgDBserver = 'postgresql';`) {
				t.Fatalf("run 1: LocalSettings.php lacks the addon's settings:\n%s", s)
			}
			if body := b.get("/healthz", 200); body != "ok\n" {
				t.Fatalf("GET /healthz = %q", body)
			}
			b.login("admin", strings.TrimSpace(catIn(t, c, "/app/data/.admin_password")))
			b.edit(mwPage, "Written in Docker.")
			if body := b.get("/index.php?title="+mwPage, 200); !strings.Contains(body, "Written in Docker.") {
				t.Fatalf("run 1: the page lacks the text written:\n%.2000s", body)
			}
			jar = b.client.Jar
		}}
}
