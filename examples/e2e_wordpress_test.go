package examples_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"appstart/runtime/harness"
)

// wordpressE2E: Debian's WordPress against MariaDB in a second container,
// reached as host "mysql" with a password holding ' / & \ $; run 1 installs
// (wp_install), logs in through wp-login.php and publishes a post through the
// REST API; run 2 does not install again, the admin's cookie of run 1 still
// logs in (the same salts) and the post is on its public page.
func wordpressE2E(t *testing.T, env e2eEnv) e2eCase {
	db := startDockerMariaDB(t, harness.Docker(t), env.base, env.network)
	db.createDatabase(t, "wordpress", wpPassword, "wordpress")
	var jar http.CookieJar
	var postPath string
	return e2eCase{name: "wordpress", ready: "apache: ready",
		env:    append(db.env("wordpress", wpPassword, "wordpress"), "CLOUDRON_APP_ORIGIN="+wpOrigin),
		secret: "/app/data/keys/auth_key", firstRun: "/app/data/wp.log", firstRunMark: "install: WordPress 6.1",
		check: func(t *testing.T, run int, c *harness.DockerContainer, b *browser) {
			if run == 2 {
				b.client.Jar = jar
				if body := b.get("/wp-admin/", 200); !strings.Contains(body, "Dashboard") {
					t.Errorf("run 2: the admin's cookie of run 1 no longer logs in")
				}
				b.client.Jar = nil
				if body := b.get(postPath, 200); !strings.Contains(body, "Written in Docker.") {
					t.Fatalf("run 2: GET %s lacks the post of run 1", postPath)
				}
				return
			}
			config := catIn(t, c, "/run/wordpress/wp-config.php")
			for _, want := range []string{`define('DB_HOST', 'mysql:3306');`, `define('DB_PASSWORD', 'wp\'s/a&b\\c$d');`} {
				if !strings.Contains(config, want) {
					t.Fatalf("wp-config.php lacks %s:\n%s", want, config)
				}
			}
			if body := b.get("/", 200); !strings.Contains(body, "Hello world!") {
				t.Fatalf("run 1: GET / lacks the installer's first post")
			}
			wpLogin(t, b, "admin", strings.TrimSpace(catIn(t, c, "/app/data/keys/admin_password")))
			postPath = "/?p=" + strconv.Itoa(wpNewPost(t, b, "From Docker", "Written in Docker."))
			jar = b.client.Jar
		}}
}
