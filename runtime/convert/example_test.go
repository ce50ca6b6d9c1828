package convert_test

import (
	"fmt"
	"strings"

	"appstart/runtime/convert"
)

func ExampleConvert() {
	conf := `
[program:web]
command=/usr/bin/node /app/code/server.js --port %(ENV_PORT)s
user=cloudron
autorestart=true
stdout_logfile=/dev/stdout
stdout_logfile_maxbytes=0
`
	out, warns, err := convert.Convert([]convert.Input{{Name: "supervisord.conf", R: strings.NewReader(conf)}}, convert.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(out))
	fmt.Println(len(warns), "warnings")
	// Output:
	// # Converted from supervisord.conf by appstart convert.
	// # Each comment marks something supervisord did that is not carried over as it was, and why.
	//
	// # [program:web] from supervisord.conf:2
	// [programs.web]
	// # ${PORT} unquoted, as supervisord split it: an empty value vanishes,
	// # a value with blanks gives several words (quotes inside a value are not re-read, as shlex did)
	// command = "set -f; exec /usr/bin/node /app/code/server.js --port ${PORT}"
	// user = "cloudron"
	// autorestart = "always"
	// # supervisord stayed up with nothing running when this program went FATAL (startretries used up);
	// # appstart exits instead (on_fatal = "stop", the default), so the platform restarts the container
	// 0 warnings
}

func ExampleConvert_problems() {
	conf := "[programs:web]\ncommand=/app/code/server\n[program:cron]\ncommand=/bin/date +%s\n"
	_, _, err := convert.Convert([]convert.Input{{Name: "supervisord.conf", R: strings.NewReader(conf)}}, convert.Options{})
	fmt.Println(err)
	// Output:
	// supervisord.conf:1: unknown section [programs:web]: did you mean [program:web]?
	// supervisord.conf:4: command: a lone % in "/bin/date +%s": supervisord reads % as the start of %(name)s; write %% for a literal %
}

func ExampleConvert_apache() {
	conf := `[program:apache2]
command=pidproxy /run/apache2/apache2.pid /bin/bash -c "source /etc/apache2/envvars && apache2 -DFOREGROUND"
stopasgroup=true
`
	out, _, err := convert.Convert([]convert.Input{{Name: "supervisord.conf", R: strings.NewReader(conf)}}, convert.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, body, _ := strings.Cut(string(out), "\n\n")
	fmt.Print(body)
	// Output:
	// # [program:apache2] from supervisord.conf:1
	// [programs.apache2]
	// command = ["/bin/bash", "-c", "source /etc/apache2/envvars && apache2 -DFOREGROUND"]
	// # pidproxy /run/apache2/apache2.pid: appstart follows the pid in this file itself
	// pidfile = "/run/apache2/apache2.pid"
	// # stopasgroup/killasgroup: appstart always signals the program's whole process group
	// # no user=: supervisord ran it as its own user, root; appstart's default is cloudron.
	// # Keep root only if the program needs it (a port below 1024, or it drops privileges itself).
	// user = "root"
	// # supervisord stayed up with nothing running when this program went FATAL (startretries used up);
	// # appstart exits instead (on_fatal = "stop", the default), so the platform restarts the container
}
