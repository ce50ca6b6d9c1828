package supervise

import (
	"strings"
	"testing"
	"time"
)

func TestNewRejectsBadPrograms(t *testing.T) {
	t.Parallel()
	sched := program("backup")
	sched.Schedule = Every(time.Minute)
	badHealth := program("web")
	badHealth.Health = &HealthCheck{Interval: 0, Retries: 0}
	tests := []struct {
		name  string
		progs []Program
		want  []string
	}{
		{"unknown after", []Program{program("web", "dbb")}, []string{`program web: after: no program or group "dbb"`}},
		{"duplicate", []Program{program("web"), program("web")}, []string{"program web: name used twice"}},
		{"self", []Program{program("web", "web")}, []string{`program web: after: names its own group "web"`}},
		{"cycle", []Program{program("a", "c"), program("b", "a"), program("c", "b")}, []string{"after: cycle a -> c -> b -> a"}},
		{"after a schedule", []Program{sched, program("web", "backup")}, []string{`program web: after: "backup" is scheduled`}},
		{"healthcheck", []Program{badHealth}, []string{"program web: healthcheck: needs a probe"}},
		{"every problem, sorted", []Program{program("b", "x"), program("a", "y")},
			[]string{"program a: after: no program or group \"y\"\n\tprogram b: after: no program or group \"x\""}},
	}
	for _, tt := range tests {
		_, err := New(tt.progs, Options{Spawner: &fakeSpawner{}})
		if err == nil {
			t.Errorf("%s: New succeeded", tt.name)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q lacks %q", tt.name, err, w)
			}
		}
	}
	if _, err := New([]Program{program("db"), program("web", "db")}, Options{Spawner: &fakeSpawner{}}); err != nil {
		t.Errorf("valid programs rejected: %v", err)
	}
	if _, err := New(nil, Options{}); err == nil {
		t.Error("New without a Spawner succeeded")
	}
}
