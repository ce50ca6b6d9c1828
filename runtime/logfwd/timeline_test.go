package logfwd

import (
	"fmt"
	"io"
	"testing"
	"time"
)

func texts(ls []Line) string {
	s := ""
	for _, l := range ls {
		s += l.Name + "=" + l.Text + " "
	}
	return s
}

// The last n lines in time across sources, not n per source grouped by
// source (issue 16); a name list narrows it; since drops older writes.
func TestTimelineOneChronologicalOrder(t *testing.T) {
	t.Parallel()
	s := NewSink(io.Discard, Options{})
	s.Record("web", "w1")
	s.Record("worker", "k1\nk2")
	s.Record("appstart", "worker: exited 1")
	s.Record("web", "w2")
	if got := texts(s.Timeline(nil, 3, time.Time{})); got != "worker=k2 appstart=worker: exited 1 web=w2 " {
		t.Errorf("Timeline(nil, 3) = %q", got)
	}
	if got := texts(s.Timeline(nil, 100, time.Time{})); got != "web=w1 worker=k1 worker=k2 appstart=worker: exited 1 web=w2 " {
		t.Errorf("Timeline(nil, 100) = %q", got)
	}
	if got := texts(s.Timeline([]string{"web", "appstart"}, 100, time.Time{})); got != "web=w1 appstart=worker: exited 1 web=w2 " {
		t.Errorf("Timeline(web, appstart) = %q", got)
	}
	all := s.Timeline(nil, 100, time.Time{})
	for i := 1; i < len(all); i++ {
		if all[i].Time.Before(all[i-1].Time) || all[i].Seq < all[i-1].Seq {
			t.Errorf("line %d goes back in time: %+v after %+v", i, all[i], all[i-1])
		}
	}
	cut := all[len(all)-1].Time
	if got := texts(s.Timeline(nil, 100, cut)); got != "web=w2 " && !all[len(all)-2].Time.Equal(cut) {
		t.Errorf("Timeline since the last write = %q", got)
	}
	if got := s.Timeline(nil, 100, cut.Add(time.Hour)); len(got) != 0 {
		t.Errorf("Timeline since the future = %v", got)
	}
}

// A wrapped ring keeps each line's time: the marks follow the bytes.
func TestTimelineAfterWrap(t *testing.T) {
	t.Parallel()
	s := NewSink(io.Discard, Options{RecentBytes: 64})
	for i := range 40 {
		s.Record("a", fmt.Sprintf("a%02d", i))
		s.Record("b", fmt.Sprintf("b%02d", i))
	}
	if got := texts(s.Timeline(nil, 4, time.Time{})); got != "a=a38 b=b38 a=a39 b=b39 " {
		t.Errorf("Timeline after wrap = %q", got)
	}
}
