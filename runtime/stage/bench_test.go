package stage

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"appstart/runtime/harness/skip"
	"appstart/runtime/proc"
)

// The typical restart (issue 4's benchmark): 5 templates, 3 secrets that
// exist, a 10,000-file /app/data already owned right, and one command as
// the app user; against the start.sh that does the same with sed, chown -R
// and a gosu-like privilege drop (setpriv), run in the same benchmark.
//
//	go test -run '^$' -bench Start -benchtime 20x ./runtime/stage/

const benchFiles = 10000

var benchVars = []string{"DB_HOST=db", "DB_PORT=5432", "DB_USER=app", "DB_PASSWORD=s3cr3tpw", "DB_NAME=app",
	"MAIL_HOST=mail", "MAIL_PORT=25", "APP_ORIGIN=https://app.example"}

// benchTree makes the data directory, the templates and both scripts once.
func benchTree(b *testing.B) (root string) {
	requireRoot(b)
	root = b.TempDir()
	if err := os.Chmod(filepath.Dir(root), 0o755); err != nil {
		b.Fatal(err)
	}
	for i := range benchFiles {
		p := fmt.Sprintf("%s/data/files/d%03d/f%04d", root, i/100, i)
		if i%100 == 0 {
			os.MkdirAll(filepath.Dir(p), 0o755)
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	if out, e := runOutput(b, "chown", "-R", "1000:1000", root+"/data"); e.Code != 0 {
		b.Fatal(out)
	}
	var tpl strings.Builder
	for range 8 {
		tpl.WriteString("host = ##DB_HOST\nport = ##DB_PORT\nuser = ##DB_USER\npassword = ##DB_PASSWORD\n")
		tpl.WriteString("name = ##DB_NAME\nmail = ##MAIL_HOST:##MAIL_PORT\norigin = ##APP_ORIGIN\n")
		tpl.WriteString("; a line of ordinary configuration that the template carries along unchanged\n")
	}
	for i := range 5 {
		writeFile(b, fmt.Sprintf("%s/img/t%d.tpl", root, i), tpl.String())
	}
	return root
}

const benchSpec = `
[[dirs]]
path = "%[1]s/run/app"
[[secrets]]
name = "APP_SECRET"
file = "%[1]s/data/.app_secret"
[[secrets]]
name = "SESSION_SECRET"
file = "%[1]s/data/.session_secret"
[[secrets]]
name = "JWT_SECRET"
file = "%[1]s/data/.jwt_secret"
encoding = "base64url"
[workers]
per_worker = "100M"
%[2]s
[[chown]]
path = "%[1]s/data"
[[on_start]]
command = ["true"]
`

// benchScript is what packages write today (reference/cloudron-packages.md).
const benchScript = `set -eu
mkdir -p %[1]s/run/app && chown cloudron:cloudron %[1]s/run/app
for s in app_secret session_secret jwt_secret; do
  [ -f %[1]s/data/.$s ] || openssl rand -hex 32 > %[1]s/data/.$s
done
APP_SECRET=$(cat %[1]s/data/.app_secret)
SESSION_SECRET=$(cat %[1]s/data/.session_secret)
JWT_SECRET=$(cat %[1]s/data/.jwt_secret)
for i in 0 1 2 3 4; do
  sed -e "s/##DB_HOST/${DB_HOST}/g" -e "s/##DB_PORT/${DB_PORT}/g" -e "s/##DB_USER/${DB_USER}/g" \
      -e "s/##DB_PASSWORD/${DB_PASSWORD}/g" -e "s/##DB_NAME/${DB_NAME}/g" -e "s/##MAIL_HOST/${MAIL_HOST}/g" \
      -e "s/##MAIL_PORT/${MAIL_PORT}/g" -e "s|##APP_ORIGIN|${APP_ORIGIN}|g" \
      %[1]s/img/t$i.tpl > %[1]s/run/app/t$i.conf
done
chown -R cloudron:cloudron %[1]s/data
exec setpriv --reuid=1000 --regid=1000 --init-groups true
`

func BenchmarkStart(b *testing.B) {
	root := benchTree(b)
	var tpls strings.Builder
	for i := range 5 {
		fmt.Fprintf(&tpls, "[[templates]]\nsource = \"%[1]s/img/t%[2]d.tpl\"\ntarget = \"%[1]s/run/app/t%[2]d.conf\"\n", root, i)
	}
	s := parseSpec(b, benchSpec, root, tpls.String())
	r := testReaper(b)
	run := func() {
		e := newEnv(b, s, benchVars...)
		e.Log, e.Runner = nil, r
		if _, err := Run(context.Background(), e, ""); err != nil {
			b.Fatal(err)
		}
	}
	run() // the first start makes the secrets; the benchmark is a restart

	b.Run("appstart", func(b *testing.B) {
		for b.Loop() {
			run()
		}
	})
	b.Run("start.sh", func(b *testing.B) {
		if _, err := exec.LookPath("setpriv"); err != nil {
			skip.OrFail(b, "no setpriv")
		}
		if _, err := exec.LookPath("openssl"); err != nil {
			skip.OrFail(b, "no openssl")
		}
		script := fmt.Sprintf(benchScript, root)
		// The host's passwd must know cloudron for `chown cloudron`: use ids.
		script = strings.ReplaceAll(script, "cloudron:cloudron", "1000:1000")
		env := append([]string{"PATH=/usr/local/bin:/usr/bin:/bin"}, benchVars...)
		for b.Loop() {
			e, err := r.Run(context.Background(), proc.Cmd{Path: "/bin/sh", Args: []string{"sh", "-c", script}, Env: env, Stderr: os.Stderr})
			if err != nil || e.Code != 0 {
				b.Fatal(e, err)
			}
		}
	})
}
