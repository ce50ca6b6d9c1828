package templates

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"appstart/runtime/harness/skip"
)

// renderEscapeGolden renders testdata/templates/escape/KIND.tmpl with the
// nasty values and Escape KIND, and checks it against KIND.golden.
func renderEscapeGolden(t *testing.T, kind string, values map[string]string) []byte {
	t.Helper()
	path := filepath.Join("..", "testdata", "templates", "escape", kind+".tmpl")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := Parse(path, src)
	if err != nil {
		t.Fatal(err)
	}
	out, err := tmpl.Render(lookupIn(values), Options{Escape: kind})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, strings.TrimSuffix(path, ".tmpl")+".golden", out)
	return out
}

// without returns nasty minus the named keys (values the target format
// cannot hold at all; each such case has its own error test).
func without(names ...string) map[string]string {
	m := map[string]string{}
	for k, v := range nasty {
		m[k] = v
	}
	for _, n := range names {
		delete(m, n)
	}
	return m
}

func TestEscapeJSONParses(t *testing.T) {
	t.Parallel()
	out := renderEscapeGolden(t, JSON, nasty)
	var got map[string]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("rendered JSON does not parse: %v\n%s", err, out)
	}
	for _, n := range nastyNames {
		if got[n] != nasty[n] {
			t.Errorf("%s: JSON holds %q, want %q", n, got[n], nasty[n])
		}
	}
	if got["PORT"] != 5432.0 {
		t.Errorf(`"port": ##PORT is %#v, want the number 5432`, got["PORT"])
	}
	if got["BRACED"] != nasty["UNICODE"] {
		t.Errorf("BRACED = %q", got["BRACED"])
	}
	u, err := url.Parse(got["URL_IN_JSON"].(string))
	if err != nil {
		t.Fatal(err)
	}
	if pw, _ := u.User.Password(); pw != nasty["PUNCT"] {
		t.Errorf("password in URL_IN_JSON = %q, want %q", pw, nasty["PUNCT"])
	}
}

func TestEscapeYAMLParses(t *testing.T) {
	t.Parallel()
	out := renderEscapeGolden(t, YAML, nasty)
	var got struct {
		Values map[string]string
		List   []string
		Port   any
	}
	if err := yaml.Unmarshal(out, &got); err != nil {
		t.Fatalf("rendered YAML does not parse: %v\n%s", err, out)
	}
	for _, n := range nastyNames {
		if got.Values[n] != nasty[n] {
			t.Errorf("%s: YAML holds %q, want %q", n, got.Values[n], nasty[n])
		}
	}
	if len(got.List) != 1 || got.List[0] != nasty["YAMLISH"] {
		t.Errorf("list = %q", got.List)
	}
	if got.Port != 5432 {
		t.Errorf("port: ##PORT is %#v, want the integer 5432", got.Port)
	}
}

func TestEscapeXMLParses(t *testing.T) {
	t.Parallel()
	out := renderEscapeGolden(t, XML, without("CONTROL"))
	var got struct {
		V []struct {
			Name string `xml:"name,attr"`
			DQ   string `xml:"dq,attr"`
			SQ   string `xml:"sq,attr"`
			Text string `xml:",chardata"`
		} `xml:"v"`
	}
	if err := xml.Unmarshal(out, &got); err != nil {
		t.Fatalf("rendered XML does not parse: %v\n%s", err, out)
	}
	if len(got.V) != len(nastyNames)-1 {
		t.Fatalf("got %d <v> elements, want %d", len(got.V), len(nastyNames)-1)
	}
	for _, v := range got.V {
		want := nasty[v.Name]
		if v.DQ != want || v.SQ != want || v.Text != want {
			t.Errorf("%s: dq=%q sq=%q text=%q, want %q", v.Name, v.DQ, v.SQ, v.Text, want)
		}
	}
}

func TestEscapeURLParses(t *testing.T) {
	t.Parallel()
	out := renderEscapeGolden(t, URL, nasty)
	for _, line := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n") {
		name, raw, _ := strings.Cut(line, " ")
		want := nasty[name]
		u, err := url.Parse(raw)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if pw, _ := u.User.Password(); pw != want {
			t.Errorf("%s: password %q, want %q", name, pw, want)
		}
		if u.Path != "/"+want {
			t.Errorf("%s: path %q, want %q", name, u.Path, "/"+want)
		}
		if got := u.Query(); got.Get("v") != want || got.Get("w") != "1" {
			t.Errorf("%s: query %v, want v=%q w=1", name, got, want)
		}
		if u.Fragment != want {
			t.Errorf("%s: fragment %q, want %q", name, u.Fragment, want)
		}
	}
}

func TestEscapePHPRuns(t *testing.T) {
	t.Parallel()
	out := renderEscapeGolden(t, PHP, nasty)
	php, err := exec.LookPath("php")
	if err != nil {
		skip.OrFail(t, "php is not installed: cannot check the php escape with PHP itself")
	}
	file := filepath.Join(t.TempDir(), "config.php")
	if err := os.WriteFile(file, out, 0o644); err != nil {
		t.Fatal(err)
	}
	if lint, err := exec.Command(php, "-l", file).CombinedOutput(); err != nil {
		t.Fatalf("php -l: %v\n%s", err, lint)
	}
	code := strings.TrimPrefix(string(out), "<?php\n")
	got, err := exec.Command(php, "-r", code).Output()
	if err != nil {
		t.Fatalf("php -r: %v", err)
	}
	seen := 0
	for _, line := range strings.Split(strings.TrimSpace(string(got)), "\n") {
		name, hexed, _ := strings.Cut(line, "=")
		v, err := hex.DecodeString(hexed)
		if err != nil {
			t.Fatalf("bad php output line %q", line)
		}
		if string(v) != nasty[name] {
			t.Errorf("%s: PHP sees %q, want %q", name, v, nasty[name])
		}
		seen++
	}
	if seen != len(nastyNames) {
		t.Errorf("php printed %d values, want %d", seen, len(nastyNames))
	}
}

func TestEscapeShellRuns(t *testing.T) {
	t.Parallel()
	out := renderEscapeGolden(t, Shell, nasty)
	sh, err := exec.LookPath("sh")
	if err != nil {
		skip.OrFail(t, "sh is not installed: cannot check the shell escape with a shell")
	}
	dir := t.TempDir()
	script := filepath.Join(dir, "script.sh")
	if err := os.WriteFile(script, out, 0o644); err != nil {
		t.Fatal(err)
	}
	if msg, err := exec.Command(sh, "-n", script).CombinedOutput(); err != nil {
		t.Fatalf("sh -n: %v\n%s", err, msg)
	}
	cmd := exec.Command(sh, script)
	cmd.Env = []string{"OUT=" + dir, "PATH=/usr/bin:/bin"}
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sh: %v\n%s", err, msg)
	}
	check := func(file, want string) {
		got, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Error(err)
			return
		}
		if !bytes.Equal(got, []byte(want)) {
			t.Errorf("%s: shell wrote %q, want %q", file, got, want)
		}
	}
	for _, n := range nastyNames {
		check(n, nasty[n])
	}
	check("ASSIGNED", nasty["QUOTES"])
}

func TestEscapeNoneVerbatim(t *testing.T) {
	t.Parallel()
	out := renderEscapeGolden(t, None, nasty)
	var want strings.Builder
	for _, n := range nastyNames {
		want.WriteString(n + "=[" + nasty[n] + "]\n")
	}
	if string(out) != want.String() {
		t.Errorf("none changed a value:\n got %q\nwant %q", out, want.String())
	}
}

// TestEscapeNegativeControl renders the same templates WITHOUT escaping and
// checks that each real parser then rejects the output or reads a different
// value: the parser checks above can fail.
func TestEscapeNegativeControl(t *testing.T) {
	t.Parallel()
	raw := func(kind string) []byte {
		path := filepath.Join("..", "testdata", "templates", "escape", kind+".tmpl")
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		out, err := mustParse(t, path, src).Render(lookupIn(nasty), Options{Escape: None})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	var m map[string]any
	if json.Unmarshal(raw(JSON), &m) == nil {
		t.Error("unescaped JSON parsed")
	}
	if yaml.Unmarshal(raw(YAML), &m) == nil {
		t.Error("unescaped YAML parsed")
	}
	if xml.Unmarshal(raw(XML), new(struct{})) == nil {
		t.Error("unescaped XML parsed")
	}
	line, _, _ := strings.Cut(string(raw(URL)), "\n")
	if u, err := url.Parse(strings.TrimPrefix(line, "PUNCT ")); err == nil {
		if pw, _ := u.User.Password(); pw == nasty["PUNCT"] {
			t.Error("unescaped URL kept the password")
		}
	}
	if php, err := exec.LookPath("php"); err == nil {
		file := filepath.Join(t.TempDir(), "x.php")
		os.WriteFile(file, raw(PHP), 0o644)
		if exec.Command(php, "-l", file).Run() == nil {
			t.Error("php -l accepted unescaped PHP")
		}
	}
	if sh, err := exec.LookPath("sh"); err == nil {
		file := filepath.Join(t.TempDir(), "x.sh")
		os.WriteFile(file, raw(Shell), 0o644)
		if exec.Command(sh, "-n", file).Run() == nil {
			t.Error("sh -n accepted unescaped shell")
		}
	}
}
