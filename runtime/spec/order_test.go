package spec

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func progs(deps map[string][]string, waits map[string]time.Duration) *Spec {
	s := &Spec{}
	for _, n := range []string{"a", "b", "c", "d", "e"} {
		if d, ok := deps[n]; ok {
			s.Programs = append(s.Programs, Program{Name: n, After: d, StopWaitSecs: waits[n]})
		}
	}
	return s
}

func TestCycles(t *testing.T) {
	for _, c := range []struct {
		deps map[string][]string
		want [][]string
	}{
		{map[string][]string{"a": {"b"}, "b": {"c"}, "c": nil}, nil},
		{map[string][]string{"a": {"b"}, "b": {"a"}}, [][]string{{"a", "b"}}},
		{map[string][]string{"a": {"c"}, "b": {"a"}, "c": {"b"}}, [][]string{{"a", "c", "b"}}},
		{map[string][]string{"a": {"b"}, "b": {"a"}, "c": {"d"}, "d": {"c"}}, [][]string{{"a", "b"}, {"c", "d"}}},
		{map[string][]string{"a": {"b", "x"}, "b": nil}, nil}, // unknown names are another check's problem
		{map[string][]string{"a": {"a"}}, nil},                // so is naming oneself
	} {
		if got := progs(c.deps, nil).cycles(); !reflect.DeepEqual(got, c.want) {
			t.Errorf("cycles(%v) = %v, want %v", c.deps, got, c.want)
		}
	}
}

// TestLongestStop: programs that do not depend on each other stop at the
// same time, so only the waits along one after chain add up.
func TestLongestStop(t *testing.T) {
	sec := time.Second
	for _, c := range []struct {
		deps  map[string][]string
		waits map[string]time.Duration
		chain []string
		total time.Duration
	}{
		{map[string][]string{"a": nil, "b": nil, "c": nil}, map[string]time.Duration{"a": 10 * sec, "b": 10 * sec, "c": 10 * sec}, []string{"a"}, 10 * sec},
		{map[string][]string{"a": {"b"}, "b": {"c"}, "c": nil}, map[string]time.Duration{"a": 5 * sec, "b": 4 * sec, "c": 3 * sec}, []string{"a", "b", "c"}, 12 * sec},
		{map[string][]string{"a": {"b", "c"}, "b": nil, "c": nil}, map[string]time.Duration{"a": sec, "b": 2 * sec, "c": 7 * sec}, []string{"a", "c"}, 8 * sec},
		{map[string][]string{"a": {"c"}, "b": {"c"}, "c": nil}, map[string]time.Duration{"a": sec, "b": 3 * sec, "c": 2 * sec}, []string{"b", "c"}, 5 * sec},
	} {
		chain, total := progs(c.deps, c.waits).longestStop()
		if !reflect.DeepEqual(chain, c.chain) || total != c.total {
			t.Errorf("longestStop(%v, %v) = %v %v, want %v %v", c.deps, c.waits, chain, total, c.chain, c.total)
		}
	}
}

func TestStopWarningThreshold(t *testing.T) {
	at := func(waits ...int) string {
		var b strings.Builder
		prev := ""
		for i, w := range waits {
			name := string(rune('a' + i))
			b.WriteString("[programs." + name + "]\ncommand = [\"x\"]\n")
			b.WriteString("stopwaitsecs = " + string(rune('0'+w)) + "\n")
			if prev != "" {
				b.WriteString("after = [\"" + prev + "\"]\n")
			}
			prev = name
		}
		return b.String()
	}
	if s := mustParse(t, at(5, 5)); len(s.Warnings) != 0 {
		t.Errorf("5s + 5s is within the 10s grace period, got %v", s.Warnings)
	}
	if s := mustParse(t, at(5, 5, 1)); len(s.Warnings) != 1 || !strings.Contains(s.Warnings[0].Msg, "11s (c 1s then b 5s then a 5s") {
		t.Errorf("5s + 5s + 1s: want one warning naming the chain, got %v", s.Warnings)
	}
}
