// Package startsh turns a Cloudron start.sh into appstart.toml: the engine
// of `appstart convert start.sh` (issue 17). It parses the script with a
// real shell parser (mvdan.cc/sh/v3/syntax, bash dialect), walks its
// top-level statements in order and recognises the idioms every package
// repeats (the corpus of shared/reference/cloudron-packages.md):
//
//	set -eu                                   dropped: a failing stage stops the start
//	echo "=> Starting"                        dropped: appstart logs each stage
//	export DB_HOST="${CLOUDRON_MYSQL_HOST}"   [env]
//	mkdir -p /run/app /app/data/files         [[dirs]]
//	chown -R cloudron:cloudron /app/data      [[chown]]
//	if [[ ! -f F ]]; then openssl rand -hex 32 > F; fi; X=$(cat F)   [[secrets]]
//	[[ ! -f F ]] && cp /app/pkg/F.default F   [[seed]]
//	if [[ ! -f F ]]; then cat > F <<EOF ... EOF; fi   [[templates]] with unless
//	sed -e "s/##A##/${B}/" SRC > DST          [[templates]] (+ [env] A when A is not B)
//	crudini --set F SECTION KEY VALUE         [[patch]] format = "ini-raw"
//	$(( $(cat /sys/fs/cgroup/...) / 2**20 ))  ${APPSTART_MEMORY_LIMIT_MB|...}
//	[[ -f F ]] && source F                    env_file
//	cd DIR; exec gosu cloudron node app.js    [programs.NAME] with user and directory
//	exec supervisord ...                      a program running supervisord (convert its config too)
//	cmd &                                     a supervised program
//	gosu cloudron:cloudron migrate            [[on_start]] with user
//
// Every other statement is kept, in order, with its line, in a generated
// bash script that the spec runs as its last [[on_start]] command (after
// the stages), and a statement that uses a variable or function a kept
// statement defines is kept with it. Convert reports how many top-level
// statements it converted and kept; its output passes spec.Parse.
package startsh
