package harness_test

import (
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"appstart/runtime/harness"
)

// Two containers listen on the same loopback port at once, and each test
// client reaches its own: every container has a private network namespace,
// as on the platform, so parallel tests of apps on port 3000 never collide.
func TestEachContainerHasItsOwnLoopback(t *testing.T) {
	t.Parallel()
	requireBusybox(t)
	// busybox httpd binds before it daemonizes, so "listening" means it does.
	const serve = `httpd -p 127.0.0.1:3000 -h /app/pkg && echo listening && exec sleep 1000`
	var cs []*harness.Container
	for _, name := range []string{"first", "second"} {
		c := harness.Run(t, harness.Options{Argv: sh(serve), Pkg: map[string]string{"index.html": name}})
		c.WaitForOutput("listening", wait)
		cs = append(cs, c)
	}
	for i, name := range []string{"first", "second"} {
		for _, addr := range []string{"127.0.0.1:3000", "localhost:3000"} {
			resp, err := cs[i].HTTPClient().Get("http://" + addr + "/index.html")
			if err != nil {
				t.Fatalf("%s container: %v", name, err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || string(body) != name {
				t.Errorf("%s container via %s answered %d %q", name, addr, resp.StatusCode, body)
			}
		}
	}
	// The namespaces differ from each other and from the test's own.
	own, _ := os.Readlink("/proc/self/ns/net")
	a, _ := os.Readlink("/proc/" + itoa(cs[0].Pid1()) + "/ns/net")
	b, _ := os.Readlink("/proc/" + itoa(cs[1].Pid1()) + "/ns/net")
	if a == b || a == own || b == own {
		t.Errorf("network namespaces: test %s, first %s, second %s", own, a, b)
	}
}

func TestDialRejectsNames(t *testing.T) {
	t.Parallel()
	requireBusybox(t)
	c := harness.Run(t, harness.Options{Argv: sh(`echo up; exec sleep 1000`)})
	c.WaitForOutput("up", wait)
	_, err := c.HTTPClient().Get("http://example.com:3000/")
	if err == nil || !strings.Contains(err.Error(), "needs an IP address") {
		t.Errorf("a name lookup could leave the namespace; want a refusal, got %v", err)
	}
}
