// Package convert turns supervisord configuration (supervisord.conf and
// the files it includes) into the [programs.NAME] tables of appstart.toml:
// the engine of `appstart convert FILE...` (issue 8).
//
// It reads the files the way supervisord 4 does, so the result runs what
// supervisord ran: Python 3 ConfigParser's INI dialect (ini.go), the
// %(ENV_X)s / %(program_name)s expansion (expand.go), shlex's split of
// the command (shlex.go) and the environment= syntax (envpairs.go). Then
// each key maps to its appstart key, and every key that cannot be carried
// over as it was gets a comment in the output saying why:
//
//	[program:apache2]
//	command=pidproxy /run/apache2/apache2.pid /bin/bash -c "source /etc/apache2/envvars && apache2 -DFOREGROUND"
//	stopasgroup=true
//
// becomes
//
//	# [program:apache2] from supervisord.conf:1
//	[programs.apache2]
//	command = ["/bin/bash", "-c", "source /etc/apache2/envvars && apache2 -DFOREGROUND"]
//	# pidproxy /run/apache2/apache2.pid: appstart follows the pid in this file itself
//	pidfile = "/run/apache2/apache2.pid"
//	# stopasgroup/killasgroup: appstart always signals the program's whole process group
//	# no user=: supervisord ran it as its own user, root; appstart's default is cloudron.
//	# Keep root only if the program needs it (a port below 1024, or it drops privileges itself).
//	user = "root"
//
// (ExampleConvert_apache runs this.)
// The mapping, key by key: command -> an argv array, or a /bin/sh -c
// string when the line uses shell features (|, &&, redirects, $VAR,
// VAR=x cmd), which supervisord never interpreted; %(ENV_X)s -> ${X}
// (left for appstart or the shell to expand at start, so an X unset while
// converting is fine); %(program_name)s, %(group_name)s, %(here)s and
// %(numprocs)d -> their values; %(process_num)s -> ${APPSTART_INSTANCE}
// (counted from 1) when numprocs > 1; numprocs -> instances; priority ->
// after, on autostart=false programs too (supervisord's stop order), with
// the seconds the serial start adds said in a comment; a %(ENV_X)s outside
// quotes -> a "set -f; exec ..." shell line with ${X} unquoted (split as
// supervisord split it); several programs -> on_fatal = "ignore" (supervisord
// keeps the others running when one goes FATAL); autorestart true/false/unexpected -> always/never/unexpected;
// user, directory, environment, autostart, startsecs, startretries,
// stopsignal, stopwaitsecs and exitcodes -> the same keys; pidproxy -> pidfile;
// a program without user= under a root supervisord -> user = "root";
// [supervisord] environment= -> [env] and user= -> user. Output to
// /dev/stdout needs nothing; log files, redirect_stderr, stopasgroup,
// killasgroup, umask, process_name, [group:x], [include], [eventlistener:x]
// and the control sections ([unix_http_server], [supervisorctl],
// [rpcinterface:x]) become comments.
//
// A line supervisord would refuse, an unknown section, an unknown
// %(name)s or a value of the wrong type is an error naming the file and
// line; everything wrong is reported at once. The output is checked with
// spec.Parse before it is returned, and depends only on the input.
package convert
