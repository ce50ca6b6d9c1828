package environ

import (
	"bytes"
	"strings"
	"testing"
)

// Issue 14, the masking policy: a value shorter than MinMaskLen is not
// searched for in free text, so a password "secret" no longer garbles
// appstart's own words.
func TestShortSecretLeavesWordsAlone(t *testing.T) {
	t.Parallel()
	e := New([]string{"CLOUDRON_MYSQL_PASSWORD=secret"})
	m := e.Masker()
	line := "Generated secret APP_SECRET in /app/data/.app_secret"
	if got := m.Mask(line); got != line {
		t.Errorf("Mask(%q) = %q", line, got)
	}
	// Where appstart prints the variable itself, it is still hidden.
	v, _ := e.Var("CLOUDRON_MYSQL_PASSWORD")
	if got := m.Var(v); got != Mask {
		t.Errorf("Var(CLOUDRON_MYSQL_PASSWORD) = %q", got)
	}
	// And as a URL's password, where it is no ordinary word.
	if got := m.Mask("mysql://app:secret@mysql/app"); got != "mysql://app:****@mysql/app" {
		t.Errorf("short password in a URL: %q", got)
	}
}

// Issue 14: plan showed the password of a URL from an env_file, where it
// is the only place the password is written.
func TestURLPasswordMaskedInValues(t *testing.T) {
	t.Parallel()
	e := New(nil)
	e.AddOverrides("/app/data/env", []Entry{
		{Name: "DATABASE_URL", Value: "postgres://app:hunter2hunter2@db:5432/app?sslmode=disable"},
		{Name: "REDIS_URL", Value: "redis://:tiny@redis:6379"},
		{Name: "SITE_URL", Value: "https://example.com/@user"},
	}, func(string) bool { return true })
	m := e.Masker()
	for name, want := range map[string]string{
		"DATABASE_URL": "postgres://app:****@db:5432/app?sslmode=disable",
		"REDIS_URL":    "redis://:****@redis:6379",
		"SITE_URL":     "https://example.com/@user",
	} {
		v, ok := e.Var(name)
		if !ok {
			t.Fatalf("%s not set", name)
		}
		if got := m.Var(v); got != want {
			t.Errorf("%s shown as %q, want %q", name, got, want)
		}
	}
}

func TestMaskURLPasswords(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"no url":                                   "no url",
		"postgres://app:pw@db/app":                 "postgres://app:****@db/app",
		"a http://u:p@h b https://v:q@i/ c":        "a http://u:****@h b https://v:****@i/ c",
		`{"url":"amqp://guest:gu3st@mq:5672"}`:     `{"url":"amqp://guest:****@mq:5672"}`,
		"mongodb://u:p%40ss@h1,h2/db?x=1":          "mongodb://u:****@h1,h2/db?x=1",
		"smtp://user:p@ss@mail:25":                 "smtp://user:****@mail:25",
		"already postgres://app:****@db":           "already postgres://app:****@db",
		"http://user@host/ and http://host/a:b@c":  "http://user@host/ and http://host/a:b@c",
		"http://:@host http://u:@host":             "http://:@host http://u:@host",
		"trailing ://":                             "trailing ://",
		"ftp://u:pw@":                              "ftp://u:****@",
		"line one\nhttp://u:pw@h\nline three":      "line one\nhttp://u:****@h\nline three",
		"git clone https://x:ghp_tok3n@github.com": "git clone https://x:****@github.com",
	} {
		if got := string(maskURLPasswords([]byte(in))); got != want {
			t.Errorf("maskURLPasswords(%q) = %q, want %q", in, got, want)
		}
	}
}

// Issue 14: a password reaches logs percent-encoded in more ways than
// appstart's own url escaper writes it.
func TestEscapedFormsMasked(t *testing.T) {
	t.Parallel()
	m := NewMasker("p@ss word+1/ü")
	for _, in := range []string{
		"raw p@ss word+1/ü end",
		"rfc3986 p%40ss%20word%2B1%2F%C3%BC end", // templates' url escaper
		"query p%40ss+word%2B1%2F%C3%BC end",     // url.QueryEscape, form posts
		"path p%40ss%20word+1%2F%C3%BC end",      // url.PathEscape
		"lower p%40ss%20word%2b1%2f%c3%bc end",   // lower-case hex
		`json "p@ss word+1/ü" end`,
	} {
		got := m.Mask(in)
		if !strings.HasSuffix(got, " end") || !strings.Contains(got, Mask) || strings.Contains(got, "word") {
			t.Errorf("Mask(%q) = %q", in, got)
		}
	}
}

// MaskBytes is Mask for the stream: the same result, and no copy (nor
// allocation) when there is nothing to mask.
func TestMaskBytesAgreesWithMask(t *testing.T) { // not parallel: AllocsPerRun
	m := NewMasker("hunter2hunter2", "p@ss/word!")
	for _, in := range []string{
		"", "nothing here\n", "pw hunter2hunter2 and p%40ss%2Fword%21\n",
		"dsn postgres://u:short@db\n", "hunter2hunter\n",
	} {
		if got, want := string(m.MaskBytes([]byte(in))), m.Mask(in); got != want {
			t.Errorf("MaskBytes(%q) = %q, Mask %q", in, got, want)
		}
	}
	clean := []byte(strings.Repeat("GET /index.html 200 hunter2 p@ss\n", 100))
	if got := m.MaskBytes(clean); &got[0] != &clean[0] || !bytes.Equal(got, clean) {
		t.Error("MaskBytes copied a text with nothing to mask")
	}
	if n := testing.AllocsPerRun(100, func() { m.MaskBytes(clean) }); n != 0 {
		t.Errorf("MaskBytes of a clean text: %v allocations", n)
	}
	var nilMasker *Masker
	if got := nilMasker.MaskBytes(clean); &got[0] != &clean[0] {
		t.Error("a nil Masker copied")
	}
}
