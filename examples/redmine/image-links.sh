#!/bin/sh
# Makes Debian's redmine run on a read-only root: a complete Gemfile.lock, and
# the image's writable places as links to /run/redmine and /app/data. The Dockerfile runs this once at
# build time; the test runs it with ROOT set to copies of these directories
# and mounts them over the host's, so the harness sees the image's layout.
#
# Debian's instance "default" (REDMINE_INSTANCE) is /usr/share/redmine/instances/default
# = /var/lib/redmine/default, whose entries are links into /etc, /var/log, /var/cache:
#   config -> /etc/redmine/default          database.yml, secret_key.txt, configuration.yml
#   log    -> /var/log/redmine/default       (Rails logs to stdout here: RAILS_LOG_TO_STDOUT)
#   tmp    -> /var/cache/redmine/default/tmp  cache, pids, sockets
#   public/plugin_assets -> /var/cache/redmine/default/plugin_assets
#   files                                     attachments: the app's data
set -eu
R=${ROOT:-}

# Bundler's lock first. The postinst made it before any database.yml existed,
# so it lacks the pg gem that Debian's Gemfile adds for the postgresql adapter
# it finds in the instances' database.yml: at run time Bundler would rewrite
# it, on the read-only root (EROFS, seen in Docker). Locked now, while
# dbconfig's database.yml (adapter postgresql) is still in place, from the
# installed gems only.
cd /usr/share/redmine
BUNDLE_GEMFILE=/usr/share/redmine/Gemfile bundle lock --local --lockfile "$R/var/lib/redmine/Gemfile.lock" >/dev/null
grep -q '^    pg ' "$R/var/lib/redmine/Gemfile.lock" || { echo "image-links.sh: the pg gem is not in Gemfile.lock" >&2; exit 1; }

rm -rf "$R/etc/redmine/default" "$R/var/log/redmine/default" "$R/var/cache/redmine/default" \
	"$R/var/lib/redmine/default/files"
ln -s /run/redmine/config "$R/etc/redmine/default"     # rendered by appstart on every start
ln -s /run/redmine/log "$R/var/log/redmine/default"
ln -s /run/redmine/cache "$R/var/cache/redmine/default"
ln -s /app/data/files "$R/var/lib/redmine/default/files"
