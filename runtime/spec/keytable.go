package spec

// The key table. Each struct's keys sit beside each other in the order of
// the stage that reads them; the struct itself lives in the stage's file
// (dirs.go, secrets.go, ...). Stages run in the order of Stages.

const topUser = "the top-level user"

func whenKey() Key {
	return Key{Name: "when", Kind: KindCond, field: "When", Example: `"CLOUDRON_LDAP_SERVER"`,
		Doc: `only if this variable is set and non-empty, or with "exists:/path" only if the path exists`}
}

func unlessKey() Key {
	return Key{Name: "unless", Kind: KindCond, field: "Unless", Example: `"exists:/app/data/.skip"`,
		Doc: "skip if this variable is set and non-empty, or the path exists"}
}

func ownerKey(doc, defaultDoc string) Key {
	return Key{Name: "owner", Kind: KindOwner, field: "Owner", Example: `"cloudron:cloudron"`,
		Doc: doc, DefaultDoc: defaultDoc}
}

func userKey(doc, defaultDoc string) Key {
	return Key{Name: "user", Kind: KindOwner, field: "User", Example: `"cloudron"`, Doc: doc, DefaultDoc: defaultDoc}
}

func commandKey(doc string) Key {
	return Key{Name: "command", Kind: KindCommand, field: "Command", Required: true,
		Example: `["node", "/app/code/server.js"]`, Doc: doc}
}

func directoryKey() Key {
	return Key{Name: "directory", Kind: KindPath, field: "Directory", Example: `"/app/code"`,
		Doc: "working directory", DefaultDoc: "appstart's own working directory (the image's WORKDIR)"}
}

func environmentKey() Key {
	return Key{Name: "environment", Kind: KindEnv, field: "Environment", Example: `{ PORT = "3000" }`,
		Doc: "variables added on top of [env]; ${VAR} expands"}
}

func stepKeys(section string) []Key {
	return []Key{
		commandKey("the command: an array is exec'd, a string runs with /bin/sh -c"),
		{Name: "creates", Kind: KindPath, field: "Creates", Example: `"/app/data/db.sqlite"`,
			Doc: "skip the command when this path exists (makes a repeated run after a crash safe)"},
		userKey("user to run as", "the "+section+" user"),
		environmentKey(),
		whenKey(), unlessKey(),
	}
}

var healthKeys = []Key{
	{Name: "http", Kind: KindURL, field: "HTTP", Example: `"http://127.0.0.1:3000/healthcheck"`,
		Doc: "GET this URL; a status below 400 passes (one of http, tcp, command)"},
	{Name: "tcp", Kind: KindAddr, field: "TCP", Example: `"127.0.0.1:3000"`,
		Doc: "connect to host:port (one of http, tcp, command)"},
	{Name: "command", Kind: KindCommand, field: "Command", Example: `["redis-cli", "ping"]`,
		Doc: "run this; exit 0 passes (one of http, tcp, command)"},
	{Name: "interval", Kind: KindDuration, field: "Interval", Default: "10s", Doc: "time between checks"},
	{Name: "timeout", Kind: KindDuration, field: "Timeout", Default: "3s", Doc: "a check taking longer fails"},
	{Name: "retries", Kind: KindInt, field: "Retries", Default: int64(3), Min: 1,
		Doc: "failures in a row that make the program unhealthy"},
	{Name: "start_period", Kind: KindDuration, field: "StartPeriod", Default: "0s",
		Doc: "failures this soon after the start do not count"},
}

var programKeys = []Key{
	commandKey("the program: an array is exec'd with ${VAR} expanded in each element, a string runs with /bin/sh -c"),
	directoryKey(),
	environmentKey(),
	userKey("user to run as (\"root\" for servers that drop privileges themselves)", topUser),
	{Name: "no_new_privs", Kind: KindBool, field: "NoNewPrivs", Default: false,
		Doc: "set PR_SET_NO_NEW_PRIVS: the program and its children can never gain privileges (setuid binaries, file capabilities)"},
	{Name: "autostart", Kind: KindBool, field: "AutoStart", Default: true,
		Doc: "start with the others (false: only on request or when first_run needs it)"},
	{Name: "autorestart", Kind: KindEnum, field: "AutoRestart", Default: "unexpected",
		Enum: []string{"always", "unexpected", "never"}, Doc: "when to restart a program that ended"},
	{Name: "exitcodes", Kind: KindExitCodes, field: "ExitCodes", Default: []any{int64(0)},
		Doc: "exit codes that count as expected"},
	{Name: "startsecs", Kind: KindSeconds, field: "StartSecs", Default: int64(1),
		Doc: "seconds a program must run to count as started"},
	{Name: "startretries", Kind: KindInt, field: "StartRetries", Default: int64(3),
		Doc: "failed starts in a row retried before giving up"},
	{Name: "stopsignal", Kind: KindSignal, field: "StopSignal", Default: "TERM", Example: `"QUIT"`,
		Doc: "first signal sent to stop the program"},
	{Name: "stopwaitsecs", Kind: KindSeconds, field: "StopWaitSecs", Example: "10",
		Doc:        "seconds between stopsignal and SIGKILL to the program's process group",
		DefaultDoc: "a share of stop_timeout along the stop order (all of it for a program stopped alone)"},
	{Name: "after", Kind: KindPrograms, field: "After", Example: `["db"]`,
		Doc: "programs that must be ready before this one starts; stop order is the reverse"},
	{Name: "ready", Kind: KindReady, field: "Ready", Example: `"tcp://127.0.0.1:3000"`,
		Doc:        `when the program is ready: "tcp://host:port", "http://...", "file:/path" (made or changed since this start: a socket or file left by the process before it does not count), or a shell command`,
		DefaultDoc: "ready once it has run startsecs"},
	{Name: "ready_timeout", Kind: KindDuration, field: "ReadyTimeout", Default: "60s",
		Doc: "a program not ready in time is stopped and its start counts as failed"},
	{Name: "logfiles", Kind: KindPaths, field: "LogFiles", Example: `["/run/app/error.log"]`,
		Doc: "files the program writes, followed like tail -F to stdout"},
	{Name: "instances", Kind: KindInstances, field: "Instances", Default: "1", Example: `"${WORKERS}"`,
		Doc: "number of copies, each with $APPSTART_INSTANCE: a number or a ${VAR}"},
	{Name: "healthcheck", Kind: KindTable, field: "HealthCheck", Keys: healthKeys,
		Example: `{ http = "http://127.0.0.1:3000/", interval = "10s" }`, Doc: "periodic check once ready"},
	{Name: "on_unhealthy", Kind: KindEnum, field: "OnUnhealthy", Default: "restart",
		Enum: []string{"restart", "stop"}, Doc: "restart the program, or stop the container"},
	{Name: "on_fatal", Kind: KindEnum, field: "OnFatal", Default: "stop", Enum: []string{"stop", "ignore"},
		Doc: "when startretries are exhausted: stop everything (exit non-zero), or keep the rest running"},
	{Name: "forward", Kind: KindSignals, field: "Forward", Default: []any{"HUP", "USR1", "USR2", "WINCH", "QUIT"},
		Doc: "signals passed on from appstart to the program's process group"},
	{Name: "pidfile", Kind: KindPath, field: "PidFile", Example: `"/run/apache2/apache2.pid"`,
		Doc: "the program daemonises; follow the pid written here"},
	{Name: "socket", Kind: KindString, field: "Socket", Example: `"tcp://127.0.0.1:9000"`,
		Doc: `a listening socket appstart binds once and keeps across restarts, handed to the program ("tcp://host:port" or "unix:/run/app/app.sock"; supervisord's [fcgi-program])`},
	{Name: "socket_fd", Kind: KindEnum, field: "SocketFD", Default: "listen_fds", Enum: []string{"listen_fds", "stdin"},
		Doc: `how the program gets the socket: "listen_fds" (systemd's: fd 3, LISTEN_FDS=1, LISTEN_PID its pid) or "stdin" (fd 0, as supervisord's fcgi-program)`},
	{Name: "socket_mode", Kind: KindMode, field: "SocketMode", Default: "0660",
		Doc: "permissions of a unix socket's file"},
	{Name: "socket_owner", Kind: KindOwner, field: "SocketOwner", Example: `"www-data:www-data"`,
		Doc: "owner of a unix socket's file", DefaultDoc: "the program's user"},
	{Name: "schedule", Kind: KindCron, field: "Schedule", Example: `"*/5 * * * *"`,
		Doc: "run periodically (5-field cron) instead of keeping it running"},
	{Name: "log_prefix", Kind: KindString, field: "LogPrefix", DefaultDoc: "the program's name",
		Doc: `prefix of the program's log lines when several programs run ("" for none)`},
	whenKey(), unlessKey(),
}

var topKeys = []Key{
	{Name: "user", Kind: KindOwner, field: "User", Default: "cloudron", Example: `"cloudron"`,
		Doc: `default user for commands and programs ("user" or "user:group")`},
	{Name: "env_file", Kind: KindPaths, field: "EnvFile", Example: `["/app/data/env"]`,
		Doc: "optional user override files (KEY=VAL); keys the spec manages win"},
	{Name: "overridable", Kind: KindEnvNames, field: "Overridable", Example: `["APP_DEBUG"]`,
		Doc: "managed variables an env_file may override"},
	{Name: "writable", Kind: KindRoots, field: "Writable", Example: `["/app/pgdata"]`,
		Doc: "persistent directories besides /app/data, /run and /tmp that stages may write (the manifest's persistentDirs are added)"},
	{Name: "remove", Kind: KindRemove, field: "Remove", Example: `["/run/apache2/*.pid"]`,
		Doc: "stale pid files and sockets removed first (globs under /run, /tmp, or /app/data naming the files; links never followed)"},
	{Name: "stop_timeout", Kind: KindDuration, field: "StopTimeout", Default: "10s", Example: `"10s"`,
		Doc: "how long stopping every program may take in all (the platform sends SIGKILL 10s after SIGTERM); programs without stopwaitsecs share it along the stop order"},
	{Name: "env", Kind: KindEnv, field: "Env", Example: `{ APP_URL = "${CLOUDRON_APP_ORIGIN}" }`,
		Doc: "added for every command and program, in order; ${VAR} expands"},
	{Name: "env_defaults", Kind: KindEnv, field: "EnvDefaults", Example: `{ CLOUDRON_APP_ORIGIN = "http://localhost:3000" }`,
		Doc: "used only where the variable is unset (local docker run)"},
	{Name: "dirs", Kind: KindTables, field: "Dirs", Doc: "directories made on every start", Keys: []Key{
		{Name: "path", Kind: KindWritable, field: "Path", Required: true, Example: `"/run/app/sessions"`, Doc: "directory to make"},
		ownerKey("owner of the directory", topUser),
		{Name: "mode", Kind: KindMode, field: "Mode", Default: "0755", Example: `"0750"`, Doc: "permissions"},
		whenKey(), unlessKey(),
	}},
	{Name: "seed", Kind: KindTables, field: "Seed", Doc: "copies from the image, only where missing (cp -n)", Keys: []Key{
		{Name: "from", Kind: KindPath, field: "From", Required: true, Example: `"/app/code/config.default/"`,
			Doc: "file or directory in the image"},
		{Name: "to", Kind: KindWritable, field: "To", Required: true, Example: `"/app/data/config/"`,
			Doc: "destination; existing files are never overwritten"},
		ownerKey("owner of what is copied", topUser),
		{Name: "mode", Kind: KindMode, field: "Mode", Example: `"0640"`, Doc: "mode of copied files",
			DefaultDoc: "the modes in the image"},
		whenKey(), unlessKey(),
	}},
	{Name: "secrets", Kind: KindTables, field: "Secrets", Doc: "random secrets made once and kept", Keys: []Key{
		{Name: "name", Kind: KindEnvName, field: "Name", Required: true, Example: `"APP_SECRET"`,
			Doc: "exported as $NAME and ##NAME"},
		{Name: "file", Kind: KindWritable, field: "File", Required: true, Example: `"/app/data/.app_secret"`,
			Doc: "where the secret is kept (under /app/data to survive restarts)"},
		{Name: "bytes", Kind: KindInt, field: "Bytes", Default: int64(32), Min: 1, Max: MaxSecretBytes, Doc: "random bytes"},
		{Name: "encoding", Kind: KindEnum, field: "Encoding", Default: "hex",
			Enum: []string{"hex", "base64", "base64url", "alnum"}, Doc: "how the bytes are written"},
		ownerKey("owner of the file", topUser),
		{Name: "mode", Kind: KindMode, field: "Mode", Default: "0600", Doc: "permissions of the file"},
		{Name: "command", Kind: KindCommand, field: "Command", Example: `["ssh-keygen", "-q", "-N", "", "-f", "${APPSTART_SECRET_FILE}"]`,
			Doc: "make the secret once by running this (instead of bytes/encoding); it writes the path in $APPSTART_SECRET_FILE, which appstart then moves to file atomically"},
		whenKey(), unlessKey(),
	}},
	{Name: "workers", Kind: KindTable, field: "Workers", Doc: "worker count from the cgroup memory limit", Keys: []Key{
		{Name: "name", Kind: KindEnvName, field: "Name", Default: "WORKERS", Doc: "variable the count is exported as"},
		{Name: "per_worker", Kind: KindSize, field: "PerWorker", Required: true, Example: `"150M"`,
			Doc: "memory one worker needs"},
		{Name: "min", Kind: KindInt, field: "Min", Default: int64(1), Min: 1, Doc: "fewest workers"},
		{Name: "max", Kind: KindInt, field: "Max", Example: "8", DefaultDoc: "no maximum (0)", Doc: "most workers"},
		{Name: "unlimited", Kind: KindSize, field: "Unlimited", Default: "2G",
			Doc: "memory assumed when the cgroup sets no limit"},
	}},
	{Name: "templates", Kind: KindTables, field: "Templates", Doc: "files rendered from ##VAR templates on every start", Keys: []Key{
		{Name: "source", Kind: KindPath, field: "Source", Required: true, Example: `"/app/pkg/config.php.template"`, Doc: "template"},
		{Name: "target", Kind: KindWritable, field: "Target", Required: true, Example: `"/run/app/config.php"`, Doc: "rendered file"},
		ownerKey("owner of the rendered file", topUser),
		{Name: "mode", Kind: KindMode, field: "Mode", Default: "0640", Doc: "permissions of the rendered file"},
		{Name: "escape", Kind: KindEnum, field: "Escape", Default: "none",
			Enum: []string{"none", "php", "json", "yaml", "shell", "xml", "url"}, Doc: "quoting applied to every value"},
		{Name: "optional", Kind: KindEnvNames, field: "Optional", Example: `["CLOUDRON_MAIL_SMTP_SERVER"]`,
			Doc: "placeholders that may have no value (rendered empty)"},
		whenKey(), unlessKey(),
	}},
	{Name: "patch", Kind: KindTables, field: "Patch", Doc: "managed keys set in a user-owned file", Keys: []Key{
		{Name: "file", Kind: KindWritable, field: "File", Required: true, Example: `"/app/data/config.ini"`, Doc: "file to patch"},
		{Name: "format", Kind: KindEnum, field: "Format", Enum: []string{"ini", "dotenv", "json", "yaml", "properties"},
			DefaultDoc: "from the file's extension", Doc: "file format (properties: Java's, keycloak.conf)"},
		{Name: "dialect", Kind: KindEnum, field: "Dialect", Enum: []string{"raw", "php"}, DefaultDoc: "raw",
			Doc: "ini only: raw writes values as they are (crudini, Python's configparser); php quotes what parse_ini_file would misread"},
		{Name: "set", Kind: KindPatchKeys, field: "Set", Example: `{ "mail.host" = "${CLOUDRON_MAIL_SMTP_SERVER}" }`,
			Doc: "keys written on every start"},
		{Name: "defaults", Kind: KindPatchKeys, field: "Defaults", Example: `{ "app.secret" = "${APP_SECRET}" }`,
			Doc: "keys written only where absent or empty"},
		ownerKey("owner of the file", "the file's own (a new file: the top-level user)"),
		{Name: "mode", Kind: KindMode, field: "Mode", DefaultDoc: "the file's own (a new file: 0640)", Doc: "permissions"},
		whenKey(), unlessKey(),
	}},
	{Name: "chown", Kind: KindTables, field: "Chown", Doc: "trees whose ownership is fixed, changing only what differs", Keys: []Key{
		{Name: "path", Kind: KindWritable, field: "Path", Required: true, Example: `"/app/data"`, Doc: "top of the tree"},
		ownerKey("owner to give every entry", topUser),
		whenKey(), unlessKey(),
	}},
	{Name: "first_run", Kind: KindTable, field: "FirstRun", Doc: "commands run once per data volume", Keys: []Key{
		{Name: "marker", Kind: KindWritable, field: "Marker", Default: "/app/data/.initialized",
			Doc: "written once every command succeeded"},
		{Name: "commands", Kind: KindSteps, field: "Commands", Required: true, Keys: stepKeys("first_run"),
			Example: `[["/app/pkg/install.sh"]]`, Doc: "commands, in order"},
		{Name: "needs", Kind: KindPrograms, field: "Needs", Example: `["db"]`,
			Doc: "programs started (and waited for until ready) before the commands"},
		userKey("user the commands run as", topUser),
	}},
	{Name: "on_upgrade", Kind: KindTable, field: "OnUpgrade", Doc: "commands run once per package version", Keys: []Key{
		{Name: "version", Kind: KindString, field: "Version", Example: `"${APP_VERSION}"`,
			DefaultDoc: "the version in /app/pkg/CloudronManifest.json", Doc: "current version; ${VAR} expands"},
		{Name: "commands", Kind: KindSteps, field: "Commands", Required: true, Keys: stepKeys("on_upgrade"),
			Example: `[["php", "artisan", "migrate", "--force"]]`, Doc: "commands, in order"},
		{Name: "marker", Kind: KindWritable, field: "Marker", Default: "/app/data/.appstart-version",
			Doc: "records the version once the commands succeeded"},
		userKey("user the commands run as", topUser),
	}},
	{Name: "upgrade", Kind: KindTables, field: "Upgrades", Doc: "more version-keyed steps, run after on_upgrade in written order", Keys: []Key{
		{Name: "version", Kind: KindString, field: "Version", Example: `"${UPSTREAM_VERSION}"`,
			DefaultDoc: "version_file's content, else the manifest's version", Doc: "the image's version; ${VAR} expands"},
		{Name: "version_file", Kind: KindPath, field: "VersionFile", Example: `"/app/code/VERSION"`,
			Doc: "a file in the image holding its version (instead of version)"},
		{Name: "marker", Kind: KindWritable, field: "Marker", Example: `"/app/data/.upstream-version"`,
			Doc: "where appstart records the version once the commands succeeded (one of marker, data_version_file)"},
		{Name: "data_version_file", Kind: KindPath, field: "DataVersionFile", Example: `"/app/pgdata/PG_VERSION"`,
			Doc: "the app's own record of the data's version, only read (one of marker, data_version_file)"},
		{Name: "compare", Kind: KindEnum, field: "Compare", Default: "exact", Enum: []string{"exact", "major"},
			Doc: `"exact": any difference counts; "major": only the leading number ("15" and "15.4" agree)`},
		{Name: "commands", Kind: KindSteps, field: "Commands", Keys: stepKeys("upgrade"),
			Example: `[["/app/pkg/upgrade-webapp.sh"]]`, Doc: "run when the versions differ, with $APPSTART_OLD_VERSION and $APPSTART_NEW_VERSION"},
		{Name: "refuse", Kind: KindString, field: "Refuse", Example: `"the data is from another PostgreSQL major version"`,
			Doc: "when the versions differ, stop the start with this message instead (a guard)"},
		{Name: "render_templates", Kind: KindBool, field: "RenderTemplates", Default: false,
			Doc: "render the templates again after the commands (they rebuilt a tree the templates write into)"},
		userKey("user the commands run as", topUser),
	}},
	{Name: "on_start", Kind: KindTables, field: "OnStart", Doc: "commands run on every start, in order", Keys: []Key{
		commandKey("the command: an array is exec'd, a string runs with /bin/sh -c"),
		userKey("user to run as", topUser),
		directoryKey(),
		environmentKey(),
		{Name: "needs", Kind: KindPrograms, field: "Needs", Example: `["db"]`,
			Doc: "programs started (and waited for until ready) before this command; they keep running"},
		whenKey(), unlessKey(),
	}},
	{Name: "programs", Kind: KindNamed, field: "Programs", nameField: "Name", Keys: programKeys,
		Doc: "supervised programs, [programs.NAME]"},
	{Name: "tasks", Kind: KindNamed, field: "Tasks", nameField: "Name", Doc: "commands for `appstart task NAME`", Keys: []Key{
		commandKey("the command: an array is exec'd, a string runs with /bin/sh -c"),
		userKey("user to run as", topUser),
		directoryKey(),
		environmentKey(),
	}},
}
