package logfwd

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"appstart/runtime/environ"
)

// Issue 14: a program's line holding an addon password was masked in
// `appstart logs` (the backend masked what it read) but not on stdout.
// With a masker set, stdout, Recent and the followers get the same masked
// bytes, from pipes with and without prefix and from followed files.
func TestMaskedAlikeEverywhere(t *testing.T) {
	t.Parallel()
	const pw = "pg-Pa55word/x"
	out := &syncBuffer{}
	s := NewSink(out, Options{FollowFromStart: true})
	s.SetMasker(environ.NewMasker(pw))
	live, cancel := s.Subscribe("", 64)
	defer cancel()

	web, webDone, err := s.Pipe("web", "web | ")
	if err != nil {
		t.Fatal(err)
	}
	db, dbDone, err := s.Pipe("db", "")
	if err != nil {
		t.Fatal(err)
	}
	db.WriteString("password is " + pw + "\n")
	web.WriteString("connect postgres://app:pg-Pa55word%2Fx@db/app\nplain line\nlast without newline " + pw)
	web.Close()
	db.Close()
	waitDone(t, webDone, "web")
	waitDone(t, dbDone, "db")
	s.Write([]byte("appstart: started with " + pw + "\n"))

	wantOut := []string{
		"web | connect postgres://app:****@db/app", "web | plain line",
		"web | last without newline ****", "password is ****",
		"appstart: started with ****",
	}
	got := lines(out.String())
	for _, w := range wantOut {
		if !contains(got, w) {
			t.Errorf("stdout lacks %q:\n%s", w, out.String())
		}
	}
	if strings.Contains(out.String(), "Pa55word") {
		t.Errorf("stdout leaks the password:\n%s", out.String())
	}
	// What a follower saw and what Recent keeps are what stdout showed.
	var followed []string
	for len(followed) < 4 {
		l := <-live
		followed = append(followed, l.Text)
	}
	recent := []string{}
	for _, n := range []string{"web", "db"} {
		for _, l := range s.Recent(n, 10) {
			recent = append(recent, l.Text)
		}
	}
	want := []string{"connect postgres://app:****@db/app", "plain line", "last without newline ****", "password is ****"}
	if !reflect.DeepEqual(recent, want) {
		t.Errorf("Recent = %q, want %q", recent, want)
	}
	for _, w := range want {
		if !contains(followed, w) {
			t.Errorf("followers got %q, not %q", followed, w)
		}
	}

	// A followed log file goes through the same masking.
	path := filepath.Join(t.TempDir(), "error.log")
	if err := os.WriteFile(path, []byte("auth failed for "+pw+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fl, err := s.StartFollow(path, "apache", "apache | ")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- fl.Run(ctx) }()
	defer func() { stop(); <-ran }()
	waitFor(t, "the followed file's line", func() bool { return strings.Contains(out.String(), "apache | auth failed for ****") })
}

func contains(list []string, s string) bool {
	for _, l := range list {
		if l == s {
			return true
		}
	}
	return false
}
