package control

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"
)

var sample = []ProgramStatus{
	{Name: "mysql", State: "running", Pid: 41, UptimeSeconds: 3725, Ready: true, OK: true},
	{Name: "web:1", Group: "web", State: "running", Pid: 42, UptimeSeconds: 245, Restarts: 2, LastExit: "exit 1", Ready: true, Health: "healthy", OK: true},
	{Name: "web:2", Group: "web", State: "running", Pid: 43, UptimeSeconds: 3, Ready: false, Health: "unhealthy"},
	{Name: "cron", State: "backoff", UptimeSeconds: 9, Restarts: 5, LastExit: "signal 9 (killed)"},
	{Name: "migrate", State: "exited", UptimeSeconds: 100000, LastExit: "exit 0", Health: "none", OK: true},
}

func TestFormatStatus(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := FormatStatus(&b, sample); err != nil {
		t.Fatal(err)
	}
	want := `NAME     STATE                           PID  UPTIME  RESTARTS  LAST-EXIT
mysql    running                         41   1h02m   0         -
web:1    running (healthy)               42   4m05s   2         exit 1
web:2    running (not ready, unhealthy)  43   3s      0         -
cron     backoff                         -    -       5         signal 9 (killed)
migrate  exited                          -    -       0         exit 0
`
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestFormatUptime(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		-time.Second: "0s", 0: "0s", 59 * time.Second: "59s", time.Minute: "1m00s",
		3599 * time.Second: "59m59s", time.Hour: "1h00m", 25*time.Hour + 30*time.Minute: "1d01h",
	} {
		if got := FormatUptime(d); got != want {
			t.Errorf("FormatUptime(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestFormatStatusJSON(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := FormatStatusJSON(&b, sample); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Healthy  bool             `json:"healthy"`
		Programs []map[string]any `json:"programs"`
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Healthy || len(doc.Programs) != len(sample) {
		t.Fatalf("doc = %+v", doc)
	}
	p := doc.Programs[1]
	for k, v := range map[string]any{"name": "web:1", "group": "web", "state": "running", "pid": 42.0,
		"uptime_seconds": 245.0, "restarts": 2.0, "last_exit": "exit 1", "ready": true, "health": "healthy", "ok": true} {
		if p[k] != v {
			t.Errorf("%s = %v, want %v", k, p[k], v)
		}
	}
	if _, ok := p["since"]; ok {
		t.Errorf("zero since is printed: %v", p["since"])
	}
	b.Reset()
	FormatStatusJSON(&b, nil)
	if !strings.Contains(b.String(), `"programs": []`) || !strings.Contains(b.String(), `"healthy": true`) {
		t.Errorf("no programs: %s", b.String())
	}
}

func TestHealthy(t *testing.T) {
	t.Parallel()
	if err := Healthy(nil); err != nil {
		t.Errorf("no programs: %v", err)
	}
	if err := Healthy([]ProgramStatus{sample[0], sample[1], sample[4]}); err != nil {
		t.Errorf("all OK: %v", err)
	}
	err := Healthy(sample)
	if err == nil || err.Error() != "not healthy: web:2 is running (not ready, unhealthy); cron is backoff" {
		t.Errorf("got %v", err)
	}
}

func TestFormatLogLine(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	FormatLogLine(&b, LogLine{Name: "web", Text: "GET / 200"}, true)
	FormatLogLine(&b, LogLine{Name: "web", Text: "GET /a 404"}, false)
	if want := "web | GET / 200\nGET /a 404\n"; b.String() != want {
		t.Errorf("got %q", b.String())
	}
}

// One prefix style, "web | " as in the live stream; a terminal gets the
// names padded and coloured, a pipe never does (the CLI decides).
func TestLogFormat(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 12, 6, 18, 39, 8, 123456789, time.FixedZone("x", 3600))
	var b bytes.Buffer
	f := LogFormat{Names: true, Timestamps: true}
	f.Write(&b, LogLine{Name: "web", Text: "GET / 200", Time: t0})
	f.Write(&b, LogLine{Name: "appstart", Text: "web: started pid 42"})
	if want := "2026-12-06T17:39:08.123Z web | GET / 200\n------------------------ appstart | web: started pid 42\n"; b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
	b.Reset()
	tty := LogFormat{Names: true, Pad: true, Color: true}
	tty.Write(&b, LogLine{Name: "worker", Text: "a"})
	tty.Write(&b, LogLine{Name: "web", Text: "b"})
	tty.Write(&b, LogLine{Name: "appstart", Text: "c"})
	if want := "\x1b[" + colorOf("worker") + "mworker |\x1b[0m a\n\x1b[" + colorOf("web") + "mweb    |\x1b[0m b\n\x1b[2mappstart |\x1b[0m c\n"; b.String() != want {
		t.Errorf("tty got %q, want %q", b.String(), want)
	}
	if colorOf("worker:1") != colorOf("worker:2") {
		t.Error("instances of one group must share a colour")
	}
}

func ExampleFormatStatus() {
	FormatStatus(os.Stdout, []ProgramStatus{
		{Name: "web", State: "running", Pid: 42, UptimeSeconds: 245, Restarts: 2, LastExit: "exit 1", Ready: true, Health: "healthy", OK: true},
		{Name: "cron", State: "backoff", Restarts: 5, LastExit: "signal 9 (killed)"},
	})
	// Output:
	// NAME  STATE              PID  UPTIME  RESTARTS  LAST-EXIT
	// web   running (healthy)  42   4m05s   2         exit 1
	// cron  backoff            -    -       5         signal 9 (killed)
}
