#!/bin/sh
# The image's writable places become links to /run/redmine and /app/data, so
# Debian's redmine runs on a read-only root. The Dockerfile runs this once at
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
rm -rf "$R/etc/redmine/default" "$R/var/log/redmine/default" "$R/var/cache/redmine/default" \
	"$R/var/lib/redmine/default/files"
ln -s /run/redmine/config "$R/etc/redmine/default"     # rendered by appstart on every start
ln -s /run/redmine/log "$R/var/log/redmine/default"
ln -s /run/redmine/cache "$R/var/cache/redmine/default"
ln -s /app/data/files "$R/var/lib/redmine/default/files"
