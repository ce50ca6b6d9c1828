package harness

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

func TestUserDB(t *testing.T) {
	t.Parallel()
	passwd, err := os.ReadFile("../../testdata/harness/passwd")
	if err != nil {
		t.Fatal(err)
	}
	group, err := os.ReadFile("../../testdata/harness/group")
	if err != nil {
		t.Fatal(err)
	}
	pw, gr, displaced, err := userDB(strings.NewReader(string(passwd)), strings.NewReader(string(group)), 1000, 1000)
	if err != nil {
		t.Fatal(err)
	}
	wantPw := "root:x:0:0:root:/root:/bin/bash\n" +
		"www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n" +
		"postgres:x:104:110:PostgreSQL administrator,,,:/var/lib/postgresql:/bin/bash\n" +
		"cloudron:x:1000:1000:Cloudron app:/home/cloudron:/bin/sh\n"
	wantGr := "root:x:0:\n" +
		"www-data:x:33:\n" +
		"postgres:x:110:\n" +
		"cloudron:x:1000:\n"
	if string(pw) != wantPw {
		t.Errorf("passwd:\n%s\nwant:\n%s", pw, wantPw)
	}
	if string(gr) != wantGr {
		t.Errorf("group:\n%s\nwant:\n%s", gr, wantGr)
	}
	// The host's user at 1000 and a stale cloudron entry at another id both go.
	want := []string{"passwd cloudsdk", "passwd cloudron", "group cloudsdk", "group cloudron"}
	if !reflect.DeepEqual(displaced, want) {
		t.Errorf("displaced %q, want %q", displaced, want)
	}
}

func TestUserDBOtherIDs(t *testing.T) {
	t.Parallel()
	pw, gr, displaced, err := userDB(strings.NewReader("root:x:0:0::/root:/bin/sh\nuser:x:1000:1000::/home/user:/bin/sh\n"),
		strings.NewReader("root:x:0:\nuser:x:1000:\n"), 2000, 2001)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(pw), "user:x:1000:1000") || !strings.HasSuffix(string(pw), "cloudron:x:2000:2001:Cloudron app:/home/cloudron:/bin/sh\n") {
		t.Errorf("passwd:\n%s", pw)
	}
	if !strings.HasSuffix(string(gr), "user:x:1000:\ncloudron:x:2001:\n") || len(displaced) != 0 {
		t.Errorf("group:\n%s displaced %q", gr, displaced)
	}
}
