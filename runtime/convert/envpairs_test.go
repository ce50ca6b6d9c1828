package convert

import (
	"reflect"
	"testing"
)

func TestSplitEnvironment(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []pair
	}{
		{`A="1",B=2`, []pair{{"A", "1"}, {"B", "2"}}},
		{`A="x,y", B='a b'`, []pair{{"A", "x,y"}, {"B", "a b"}}},
		{"A=/usr/bin:/bin,B=-1.5+(2)", []pair{{"A", "/usr/bin:/bin"}, {"B", "-1.5+(2)"}}},
		{`A=1,A=2,B=3`, []pair{{"A", "2"}, {"B", "3"}}},
		{"A=1 # comment\n,B=2", []pair{{"A", "1"}, {"B", "2"}}},
		{`A=1;B=2`, []pair{{"A", "1"}, {"B", "2"}}}, // the 4th token is skipped, whatever it is
		{"", nil},
	} {
		got, err := splitEnvironment(c.in)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("splitEnvironment(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{`A=a@b`, `A`, `A=`, `A="open`, `A=1,B`} {
		if got, err := splitEnvironment(bad); err == nil {
			t.Errorf("splitEnvironment(%q) = %v; want an error, as supervisord's parser gives", bad, got)
		}
	}
}
