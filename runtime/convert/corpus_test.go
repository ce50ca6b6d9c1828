package convert

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"appstart/runtime/spec"
)

var update = flag.Bool("update", false, "rewrite the goldens of testdata/supervisord")

const corpus = "../../testdata/supervisord"

// fakeEnv is the environment convert runs in for the corpus: a developer
// shell, with none of the app's own variables.
func fakeEnv(name string) (string, bool) {
	switch name {
	case "HOME", "PATH", "USER":
		return "/home/dev", true
	}
	return "", false
}

// corpusInputs is NAME.conf followed by NAME.d/*.conf (its includes).
func corpusInputs(t *testing.T, conf string) []Input {
	t.Helper()
	files := []string{conf}
	inc, _ := filepath.Glob(strings.TrimSuffix(conf, ".conf") + ".d/*.conf")
	files = append(files, inc...)
	var in []Input
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(corpus, f)
		in = append(in, Input{Name: rel, R: bytes.NewReader(data)})
	}
	return in
}

func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if got == "" {
			os.Remove(path)
			return
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -update rewrites it):\n--- got\n%s--- want\n%s", path, got, want)
	}
}

// TestCorpus converts every testdata/supervisord/NAME.conf. A good one
// must give NAME.toml, which spec.Parse accepts, with the warnings in
// NAME.warn (none when absent); a bad_NAME.conf must fail with exactly the
// problems in bad_NAME.err.
func TestCorpus(t *testing.T) {
	confs, err := filepath.Glob(filepath.Join(corpus, "*.conf"))
	if err != nil {
		t.Fatal(err)
	}
	good, bad := 0, 0
	for _, conf := range confs {
		name := strings.TrimSuffix(filepath.Base(conf), ".conf")
		base := strings.TrimSuffix(conf, ".conf")
		wantBad := strings.HasPrefix(name, "bad_")
		if wantBad {
			bad++
		} else {
			good++
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			opt := Options{Getenv: fakeEnv, Here: "/etc/supervisor/conf.d"}
			out, warns, err := Convert(corpusInputs(t, conf), opt)
			if wantBad {
				var ce *Error
				if !errors.As(err, &ce) {
					t.Fatalf("Convert = %v; want an *Error\n%s", err, out)
				}
				compareGolden(t, base+".err", err.Error()+"\n")
				return
			}
			if err != nil {
				t.Fatalf("Convert: %v", err)
			}
			compareGolden(t, base+".toml", string(out))
			w := strings.Join(warns, "\n")
			if w != "" {
				w += "\n"
			}
			compareGolden(t, base+".warn", w)
			if _, err := spec.Parse(name+".toml", out); err != nil {
				t.Errorf("the output fails appstart check:\n%v", err)
			}
			again, _, _ := Convert(corpusInputs(t, conf), opt)
			if !bytes.Equal(out, again) {
				t.Errorf("a second conversion differs")
			}
		})
	}
	if good < 12 || bad < 8 || good+bad < 15 {
		t.Errorf("the corpus has %d good and %d bad configs; want at least 12 and 8", good, bad)
	}
}

// TestCorpusCoverage: every supervisord feature issue 8 names appears in
// the corpus, so a converter change that breaks one shows in a golden.
func TestCorpusCoverage(t *testing.T) {
	var all strings.Builder
	filepath.Walk(corpus, func(p string, info os.FileInfo, err error) error {
		if err == nil && strings.HasSuffix(p, ".conf") {
			data, _ := os.ReadFile(p)
			all.Write(bytes.ToLower(data))
		}
		return nil
	})
	text := all.String()
	for _, want := range []string{
		"[program:", "[group:", "[supervisord]", "[include]", "[unix_http_server]", "[supervisorctl]",
		"[rpcinterface:", "[inet_http_server]", "[eventlistener:", "[fcgi-program:",
		"%(env_", "%(program_name)s", "%(process_num)", "%(here)s", "%(group_name)s", "%(host_node_name)s", "%(numprocs)d", "%%",
		"command=", "user=", "directory=", "environment=", "priority=", "autostart=", "autorestart=true",
		"autorestart=false", "autorestart=unexpected", "startsecs=", "startretries=", "stopsignal=", "stopwaitsecs=",
		"stopasgroup=", "killasgroup=", "exitcodes=", "numprocs=", "numprocs_start=", "process_name=",
		"redirect_stderr=", "stdout_logfile=/dev/stdout", "stdout_logfile_maxbytes=0", "stderr_logfile=/dev/stderr",
		"stdout_logfile=/run/", "=auto", "=none", "pidproxy", "umask=", "serverurl=", "nodaemon=", "logfile=",
		" | ", " && ", "2>&1", "$home", "\n    ", " ; ",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("no corpus config uses %q", want)
		}
	}
}
