#!/bin/bash
# The start.sh appstart.toml replaces: what a Cloudron MediaWiki package runs
# as its CMD (bash, gosu, supervisord). Kept for the comparison in README.md
# and `make bench` (BenchmarkMediaWikiStart); the image runs appstart. It uses
# the same file names on the volume as appstart.toml.
set -euo pipefail

# Directories on the read-only root; pid files and the socket of the last run.
mkdir -p /run/nginx /run/php /run/mediawiki/cache /run/mediawiki/install /app/data/images
chown root:www-data /run/mediawiki
chmod 0750 /run/mediawiki
chown www-data:www-data /run/mediawiki/cache /run/mediawiki/install
chmod 0700 /run/mediawiki/cache /run/mediawiki/install
rm -f /run/nginx/nginx.pid /run/php/php-fpm.pid /run/php/php-fpm.sock

# The admin's own settings, copied once.
[[ -f /app/data/LocalSettings.local.php ]] || cp /app/pkg/LocalSettings.local.php /app/data/

# Secrets, made once.
[[ -s /app/data/.wg_secret_key ]] || openssl rand -hex 32 > /app/data/.wg_secret_key
[[ -s /app/data/.wg_upgrade_key ]] || openssl rand -hex 8 > /app/data/.wg_upgrade_key
[[ -s /app/data/.admin_password ]] || openssl rand -base64 18 | tr '+/' '-_' > /app/data/.admin_password
chmod 0600 /app/data/.wg_secret_key /app/data/.wg_upgrade_key /app/data/.admin_password

# php-fpm children from the cgroup's memory limit (v2, else v1), 48M each, 2 to 8.
limit=$(cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes)
[[ $limit == max ]] && limit=2147483648
workers=$((limit / 50331648))
((workers < 2)) && workers=2
((workers > 8)) && workers=8

# LocalSettings.php: a sed of the addon's password breaks on | & \ and a '
# ends the PHP string, so each value is escaped for a '...' literal, then for
# sed's replacement, by hand.
php_quote() { local v=${1//\\/\\\\}; printf '%s' "${v//\'/\\\'}"; }
sed_quote() { printf '%s' "$1" | sed -e 's/[\\|&]/\\&/g'; }
sub() { printf 's|##%s|%s|g;' "$1" "$(sed_quote "$(php_quote "$2")")"; }
sed -e "$(sub CLOUDRON_APP_ORIGIN "${CLOUDRON_APP_ORIGIN:-http://localhost:3000}")" \
    -e "$(sub CLOUDRON_POSTGRESQL_HOST "$CLOUDRON_POSTGRESQL_HOST")" \
    -e "$(sub CLOUDRON_POSTGRESQL_PORT "$CLOUDRON_POSTGRESQL_PORT")" \
    -e "$(sub CLOUDRON_POSTGRESQL_DATABASE "$CLOUDRON_POSTGRESQL_DATABASE")" \
    -e "$(sub CLOUDRON_POSTGRESQL_USERNAME "$CLOUDRON_POSTGRESQL_USERNAME")" \
    -e "$(sub CLOUDRON_POSTGRESQL_PASSWORD "$CLOUDRON_POSTGRESQL_PASSWORD")" \
    -e "$(sub WG_SECRET_KEY "$(cat /app/data/.wg_secret_key)")" \
    -e "$(sub WG_UPGRADE_KEY "$(cat /app/data/.wg_upgrade_key)")" \
    /app/pkg/LocalSettings.php.template > /run/mediawiki/LocalSettings.php.tmp
chown root:www-data /run/mediawiki/LocalSettings.php.tmp
chmod 0640 /run/mediawiki/LocalSettings.php.tmp
mv /run/mediawiki/LocalSettings.php.tmp /run/mediawiki/LocalSettings.php
sed -e "s|##PHP_WORKERS|$workers|" /app/pkg/php-fpm.conf.template > /run/mediawiki/php-fpm.conf
printf '%s\n' "$CLOUDRON_POSTGRESQL_PASSWORD" > /run/mediawiki/install/dbpass
chown www-data:www-data /run/mediawiki/install/dbpass
chmod 0600 /run/mediawiki/install/dbpass

chown -R www-data:www-data /app/data

# First run: install.php (pointed away from the LocalSettings.php above, which
# it would refuse to overwrite); then update.php once per package version.
version=$(php -r 'echo json_decode(file_get_contents("/app/pkg/CloudronManifest.json"))->version;')
if [[ ! -f /app/data/.initialized ]]; then
    MW_CONFIG_FILE=/run/mediawiki/install/LocalSettings.php gosu www-data \
        php /usr/share/mediawiki/maintenance/install.php --dbtype postgres \
        --dbserver "$CLOUDRON_POSTGRESQL_HOST" --dbport "$CLOUDRON_POSTGRESQL_PORT" \
        --dbname "$CLOUDRON_POSTGRESQL_DATABASE" --dbuser "$CLOUDRON_POSTGRESQL_USERNAME" \
        --dbpassfile /run/mediawiki/install/dbpass --passfile /app/data/.admin_password \
        --server "${CLOUDRON_APP_ORIGIN:-http://localhost:3000}" --scriptpath "" \
        --confpath /run/mediawiki/install MediaWiki admin
    touch /app/data/.initialized
    echo "$version" > /app/data/.appstart-version
elif [[ "$(cat /app/data/.appstart-version 2>/dev/null)" != "$version" ]]; then
    gosu www-data php /usr/share/mediawiki/maintenance/update.php --quick
    echo "$version" > /app/data/.appstart-version
fi

exec /usr/bin/supervisord --nodaemon -c /app/pkg/supervisord.conf
