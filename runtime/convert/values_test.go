package convert

import (
	"reflect"
	"testing"
)

func TestValues(t *testing.T) {
	for in, want := range map[string]bool{"Yes": true, "on": true, "1": true, "FALSE": false, "off": false} {
		if got, err := parseBool(in); err != nil || got != want {
			t.Errorf("parseBool(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := parseBool("maybe"); err == nil {
		t.Error("parseBool(maybe): want an error")
	}
	for in, want := range map[string]string{"true": "always", "0": "never", "Unexpected": "unexpected"} {
		if got, err := parseAutorestart(in); err != nil || got != want {
			t.Errorf("parseAutorestart(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, want := range map[string]string{"15": "TERM", "sigquit": "QUIT", "HUP": "HUP", "28": "WINCH"} {
		if got, err := parseSignal(in); err != nil || got != want {
			t.Errorf("parseSignal(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"TERMINATE", "99", ""} {
		if _, err := parseSignal(bad); err == nil {
			t.Errorf("parseSignal(%q): want an error", bad)
		}
	}
	if got, err := parseExitcodes("0, 2,255"); err != nil || !reflect.DeepEqual(got, []int{0, 2, 255}) {
		t.Errorf("parseExitcodes = %v, %v", got, err)
	}
	for _, bad := range []string{"256", "a", "0,,1"} {
		if _, err := parseExitcodes(bad); err == nil {
			t.Errorf("parseExitcodes(%q): want an error", bad)
		}
	}
}
