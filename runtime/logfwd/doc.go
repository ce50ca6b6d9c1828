// Package logfwd carries the programs' output to appstart's stdout and
// stderr: one [Sink] per destination serialises whole lines from any number
// of sources (child pipes from [Sink.Pipe], followed files from
// [Sink.Follow], and appstart's own messages through [Sink.Write]).
//
// With a prefix, every line gets it; with an empty prefix the bytes pass
// unchanged (the one-program case). For example, two programs writing
//
//	web:    "GET / 200\nGET /a"  ...later...  "bc 404\n"
//	worker: "job 1 done\n"
//
// through Pipe("web", "web | ") and Pipe("worker", "worker | ") give
//
//	web | GET / 200
//	worker | job 1 done
//	web | GET /abc 404
//
// never "web | GET /aworker | job 1 done". How:
//   - One relay goroutine per Sink (relay.go) reads all its pipes through an
//     epoll set of its own: each pass reads every ready pipe once (up to
//     128 KiB beyond a kept partial line), keeps the partial last line back,
//     and writes the complete lines of that read in as few writes as
//     possible under the Sink's mutex. Whole lines per write means no
//     interleaving mid-line; a write per read, not per line, plus a short
//     linger after a pass that emptied the pipes (pipe.go) keeps a
//     line-at-a-time program's throughput at that of writing directly
//     (BenchmarkThroughput).
//   - A line longer than MaxLine (64 KiB) is cut into MaxLine pieces, each
//     written as its own line (on a UTF-8 boundary), so a program without
//     newlines cannot make appstart buffer without end.
//   - The relay reads each ready pipe once per pass, so a flooding program
//     delays the others by one of its reads. The mutex is held for one write
//     of at most 128 KiB of whole lines, and Go's sync.Mutex hands over in
//     FIFO order to a waiter blocked for more than 1 ms (its starvation
//     mode), so appstart's own messages wait about one write, never
//     indefinitely (TestFloodDoesNotStarveOthers).
//   - A source ends at EOF, not when its process exits: a grandchild still
//     holding the pipe keeps the reader alive but never delays the exit
//     handling, which goes through runtime/proc. A final line without newline
//     is flushed at EOF (prefixed lines get the newline added).
//   - [Sink.Drain] waits for every pipe to reach EOF up to a deadline, then
//     forces them: what is already in the kernel's pipe buffers is read and
//     written, and partial lines are flushed, so nothing is lost at stop.
//
// Each source's recent lines are kept in a small ring of bytes per name
// (one copy per read, no allocation per line) for [Sink.Recent].
package logfwd
