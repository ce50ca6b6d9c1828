package convert

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzConvert: whatever the input, Convert either returns an *Error (the
// input's problems) or output that passes spec.Parse; any other error is
// a converter bug (its output failing appstart check), and so is a panic.
func FuzzConvert(f *testing.F) {
	confs, _ := filepath.Glob(filepath.Join(corpus, "*.conf"))
	for _, c := range confs {
		if data, err := os.ReadFile(c); err == nil {
			f.Add(string(data))
		}
	}
	f.Fuzz(func(t *testing.T, conf string) {
		_, _, err := Convert([]Input{{Name: "f.conf", R: strings.NewReader(conf)}}, Options{Here: "/etc/sv"})
		var ce *Error
		if err != nil && !errors.As(err, &ce) {
			t.Fatalf("%v", err)
		}
	})
}
