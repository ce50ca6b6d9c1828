package logfwd

import (
	"bufio"
	"io"
	"os"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"appstart/runtime/environ"
)

// drain is the destination of the benchmarks: a real pipe whose read end
// a goroutine empties, as Docker's log reader empties a container's stdout.
type drain struct {
	r, w   *os.File
	total  atomic.Int64
	target atomic.Int64
	hit    chan struct{}
}

func newDrain(b *testing.B) *drain {
	r, w, err := os.Pipe()
	if err != nil {
		b.Fatal(err)
	}
	d := &drain{r: r, w: w, hit: make(chan struct{}, 1)}
	go func() {
		buf := make([]byte, 64<<10)
		for {
			n, err := r.Read(buf)
			if t := d.total.Add(int64(n)); t >= d.target.Load() && d.target.Load() > 0 {
				select {
				case d.hit <- struct{}{}:
				default:
				}
			}
			if err != nil {
				return
			}
		}
	}()
	b.Cleanup(func() { w.Close(); r.Close() })
	return d
}

// expect arms the drain for n more bytes and returns a wait function.
func (d *drain) expect(n int64) func() {
	d.target.Store(d.total.Load() + n)
	return func() {
		for d.total.Load() < d.target.Load() {
			<-d.hit
		}
	}
}

const benchLine = "192.0.2.1 - - [25/Nov/2025:22:22:22 +0000] \"GET /index.html HTTP/1.1\" 200 512 \"-\" \"curl/8\"\n"

// writeLines writes n lines to w, one write(2) per line ("line", like a
// line-buffered server) or through a 4 KiB buffer ("block", like stdio).
func writeLines(w io.Writer, n int, block bool) {
	if block {
		bw := bufio.NewWriterSize(w, 4096)
		for i := 0; i < n; i++ {
			bw.WriteString(benchLine)
		}
		bw.Flush()
		return
	}
	line := []byte(benchLine)
	for i := 0; i < n; i++ {
		w.Write(line)
	}
}

// benchMasker masks what a typical app has: five addon passwords and two
// generated secrets, none of which the benchmark's lines contain (the
// common case, and the cost every line pays).
var benchMasker = environ.NewMasker("Zx8kq2LmPw9vRt4n", "p@ss/word+with spaces", "3f9a1c7e5b2d8f6a0c4e",
	"redis-0a1b2c3d4e5f", "ldap+bind+9s8d7f6g", "oidc.client.QwErTy123456", "mail_pw_77f0a1e2b3")

// timeRun forwards n lines through mode ("direct", "prefixed", "raw",
// "masked": prefixed through benchMasker) and returns how long until the
// destination has received all of them.
func timeRun(b *testing.B, d *drain, n int, block bool, mode string) time.Duration {
	prefix := ""
	if mode == "prefixed" || mode == "masked" {
		prefix = "web | "
	}
	wait := d.expect(int64(n * (len(benchLine) + len(prefix))))
	start := time.Now()
	if mode == "direct" {
		writeLines(d.w, n, block)
		wait()
		return time.Since(start)
	}
	s := NewSink(d.w, Options{})
	if mode == "masked" {
		s.SetMasker(benchMasker)
	}
	w, done, err := s.Pipe("web", prefix)
	if err != nil {
		b.Fatal(err)
	}
	start = time.Now()
	writeLines(w, n, block)
	w.Close()
	<-done
	wait()
	return time.Since(start)
}

// BenchmarkThroughput forwards 100-byte log lines through a Pipe, prefixed
// and unprefixed, and the same lines written straight to the destination,
// alternating in each iteration so that load from elsewhere hits all modes
// alike. x-direct is prefixed (or raw) lines/s over direct lines/s;
// masked-x-prefixed is the cost of masking secrets in the stream.
//
//	go test -run '^$' -bench Throughput -benchtime 20x ./runtime/logfwd
func BenchmarkThroughput(b *testing.B) {
	const n = 100000
	for _, block := range []bool{false, true} {
		name := "write=line"
		if block {
			name = "write=4KiB"
		}
		b.Run(name, func(b *testing.B) {
			d := newDrain(b)
			var direct, prefixed, raw, masked time.Duration
			for b.Loop() {
				direct += timeRun(b, d, n, block, "direct")
				prefixed += timeRun(b, d, n, block, "prefixed")
				raw += timeRun(b, d, n, block, "raw")
				masked += timeRun(b, d, n, block, "masked")
			}
			lines := float64(n * b.N)
			b.ReportMetric(lines/direct.Seconds(), "direct-lines/s")
			b.ReportMetric(lines/prefixed.Seconds(), "prefixed-lines/s")
			b.ReportMetric(lines*float64(len(benchLine))/prefixed.Seconds()/1e6, "prefixed-MB/s")
			b.ReportMetric(direct.Seconds()/prefixed.Seconds(), "prefixed-x-direct")
			b.ReportMetric(direct.Seconds()/raw.Seconds(), "raw-x-direct")
			b.ReportMetric(lines*float64(len(benchLine))/masked.Seconds()/1e6, "masked-MB/s")
			b.ReportMetric(prefixed.Seconds()/masked.Seconds(), "masked-x-prefixed")
		})
	}
}

// BenchmarkOwnMessageUnderFlood measures how long appstart's own message
// waits while a program floods the same Sink as fast as it can.
//
//	go test -run '^$' -bench OwnMessage -benchtime 2000x ./runtime/logfwd
func BenchmarkOwnMessageUnderFlood(b *testing.B) {
	d := newDrain(b)
	s := NewSink(d.w, Options{})
	flood, done, err := s.Pipe("flood", "flood | ")
	if err != nil {
		b.Fatal(err)
	}
	stop := make(chan struct{})
	go func() {
		line := []byte(strings.Repeat("f", 200) + "\n")
		for {
			select {
			case <-stop:
				flood.Close()
				return
			default:
				flood.Write(line)
			}
		}
	}()
	msg := []byte("appstart: web: exited 1 after 0.3s, restart 2/3 in 400ms\n")
	lat := make([]time.Duration, 0, b.N)
	for b.Loop() {
		t := time.Now()
		s.Write(msg)
		lat = append(lat, time.Since(t))
		time.Sleep(50 * time.Microsecond) // spacing between messages, not a sync
	}
	close(stop)
	<-done
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	q := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) }
	b.ReportMetric(q(0.5), "p50-µs")
	b.ReportMetric(q(0.99), "p99-µs")
	b.ReportMetric(q(1), "max-µs")
}
