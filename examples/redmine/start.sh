#!/bin/bash
# The start.sh that appstart.toml replaces, written as Cloudron's packages are
# (bash + gosu + supervisord, all from Debian). Kept to measure against
# (BenchmarkRedmineStart); the image's CMD is appstart.
set -eu

export RAILS_ENV=production RAILS_LOG_TO_STDOUT=1 REDMINE_INSTANCE=default MALLOC_ARENA_MAX=2
export CLOUDRON_APP_ORIGIN=${CLOUDRON_APP_ORIGIN:-http://localhost:3000}
rake=(gosu www-data rake -C /usr/share/redmine -R /app/pkg/tasks SCHEMA=/dev/null)

mkdir -p /run/redmine/config /run/redmine/cache/tmp /run/redmine/cache/plugin_assets /run/redmine/log /app/data/files
chown root:www-data /run/redmine/config && chmod 0750 /run/redmine/config
chown www-data:www-data /run/redmine/cache/tmp /run/redmine/cache/plugin_assets /run/redmine/log

[[ -f /app/data/.secret_key_base ]] || openssl rand -hex 64 > /app/data/.secret_key_base
[[ -f /app/data/.sys_api_key ]] || openssl rand -hex 12 > /app/data/.sys_api_key
REDMINE_SYS_KEY=$(cat /app/data/.sys_api_key)
export REDMINE_SYS_KEY

# Breaks on a password holding ", \ or <% (YAML quoting, then Rails' ERB pass).
cat > /run/redmine/config/database.yml <<YML
production:
  adapter: postgresql
  host: "${CLOUDRON_POSTGRESQL_HOST}"
  port: "${CLOUDRON_POSTGRESQL_PORT}"
  database: "${CLOUDRON_POSTGRESQL_DATABASE}"
  username: "${CLOUDRON_POSTGRESQL_USERNAME}"
  password: "${CLOUDRON_POSTGRESQL_PASSWORD}"
  encoding: utf8
  pool: 5
YML
cat /app/data/.secret_key_base > /run/redmine/config/secret_key.txt
chown root:www-data /run/redmine/config/database.yml /run/redmine/config/secret_key.txt
chmod 0640 /run/redmine/config/database.yml /run/redmine/config/secret_key.txt

chown -R www-data:www-data /app/data

version=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' /app/pkg/CloudronManifest.json)
if [[ ! -f /app/data/.initialized ]]; then
    "${rake[@]}" db:migrate
    "${rake[@]}" REDMINE_LANG=en redmine:load_default_data appstart:first_run
    touch /app/data/.initialized
    echo "$version" > /app/data/.version
elif [[ "$(cat /app/data/.version 2>/dev/null)" != "$version" ]]; then
    APPSTART_OLD_VERSION=$(cat /app/data/.version 2>/dev/null || true) APPSTART_NEW_VERSION=$version \
        "${rake[@]}" db:migrate redmine:plugins:migrate tmp:cache:clear appstart:upgrade
    echo "$version" > /app/data/.version
fi

"${rake[@]}" db:migrate redmine:plugins:migrate appstart:settings

exec /usr/bin/supervisord --nodaemon -c /app/pkg/supervisord.conf
