package logfwd

import (
	"fmt"
	"os"
)

// The package doc's example: two programs' output, prefixed, never mixed
// mid-line. The destination here is stdout; appstart uses its own.
func ExampleSink_Pipe() {
	sink := NewSink(os.Stdout, Options{})
	web, webDone, _ := sink.Pipe("web", FormatPrefix(DefaultFormat, "web"))
	worker, workerDone, _ := sink.Pipe("worker", FormatPrefix(DefaultFormat, "worker"))

	fmt.Fprint(web, "GET / 200\nGET /a")
	fmt.Fprint(worker, "job 1 done\n")
	fmt.Fprint(web, "bc 404\n")
	worker.Close()
	<-workerDone
	web.Close()
	<-webDone
	fmt.Println(sink.Recent("web", 1)[0].Text)
	// Unordered output:
	// web | GET / 200
	// worker | job 1 done
	// web | GET /abc 404
	// GET /abc 404
}
