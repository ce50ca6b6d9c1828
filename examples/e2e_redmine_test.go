package examples_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"appstart/runtime/harness"
)

// redmineE2E: Redmine in Docker against a PostgreSQL container reached as
// host "postgresql", with the password of the harness test (YAML quoting and
// an ERB opener). Run 1 installs; the admin logs in through the form,
// changes the forced password and creates an issue through the REST API;
// run 2 reads it back with the same key. Rails needs 256 MiB of RAM: the
// platform's split (128m RAM, swap to 256m) has no swap to give on this
// machine, and the first migration is OOM-killed at 128m.
func redmineE2E(t *testing.T, env e2eEnv) e2eCase {
	pg := startDockerPostgres(t, harness.Docker(t), env.base, env.network)
	pg.createDatabase(t, "redmine", redminePassword, "redmine")
	var apiKey, issuePath string
	return e2eCase{name: "redmine", ready: "web: ready", readyWithin: 5 * time.Minute, env: pg.env("redmine", redminePassword, "redmine"),
		secret: "/app/data/.secret_key_base",
		opts: func(run int, o *harness.RunOptions) {
			o.Memory, o.MemorySwap = "256m", "256m"
		},
		check: func(t *testing.T, run int, c *harness.DockerContainer, b *browser) {
			rm := &redmineClient{t: t, jar: b.client.Jar, client: b.client}
			if run == 1 {
				if db := catIn(t, c, "/etc/redmine/default/database.yml"); !strings.Contains(db, `host: "postgresql"`) {
					t.Fatalf("/etc/redmine/default/database.yml (a link to /run) lacks the addon's host:\n%s", db)
				}
				rm.login("admin", "admin")
				rm.changePassword("admin", "appstart-Admin-1")
				apiKey = rm.apiKey("admin", "appstart-Admin-1")
				var project struct {
					Project struct {
						ID int `json:"id"`
					} `json:"project"`
				}
				decode(t, rm.rest("POST", "/projects.json", apiKey, `{"project":{"name":"Docker","identifier":"docker"}}`, 201), &project)
				var issue struct {
					Issue struct {
						ID int `json:"id"`
					} `json:"issue"`
				}
				decode(t, rm.rest("POST", "/issues.json", apiKey, fmt.Sprintf(
					`{"issue":{"project_id":%d,"subject":"Written in Docker"}}`, project.Project.ID), 201), &issue)
				issuePath = fmt.Sprintf("/issues/%d.json", issue.Issue.ID)
			}
			if body := rm.rest("GET", issuePath, apiKey, "", 200); !strings.Contains(body, `"subject":"Written in Docker"`) {
				t.Errorf("run %d: GET %s = %s", run, issuePath, body)
			}
			if out, _ := c.Logs(); run == 2 && strings.Contains(out, "appstart:first_run") {
				t.Errorf("run 2: first_run ran again:\n%s", out)
			}
		},
		after: func(t *testing.T) {
			if got := pg.query(t, "redmine", "SELECT count(*) FROM issues"); got != "1" {
				t.Errorf("issues in PostgreSQL = %s, want 1", got)
			}
		},
	}
}
