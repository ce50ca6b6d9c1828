#!/bin/bash
# The start.sh appstart.toml replaces: what a Cloudron WordPress package
# runs as its CMD (bash, gosu, supervisord). Kept for the comparison in
# README.md and `make bench` (BenchmarkWordPressStart); the image runs appstart.
set -euo pipefail

# Directories on the read-only root; a pid file left by the last run.
mkdir -p /run/apache2/lock /run/wordpress/tmp
chown www-data:www-data /run/apache2/lock /run/wordpress/tmp
chmod 0700 /run/wordpress/tmp
chown root:www-data /run/wordpress
chmod 0750 /run/wordpress
rm -f /run/apache2/apache2.pid

# wp-content on the volume, copied once.
if [[ ! -d /app/data/wp-content ]]; then
    cp -a /app/pkg/wp-content /app/data/wp-content
fi

# Keys and salts, made once.
mkdir -p /app/data/keys
for k in auth_key secure_auth_key logged_in_key nonce_key auth_salt secure_auth_salt logged_in_salt nonce_salt; do
    [[ -s /app/data/keys/$k ]] || openssl rand -base64 48 > /app/data/keys/$k
done
[[ -s /app/data/keys/admin_password ]] || openssl rand -base64 18 | tr '+/' '-_' > /app/data/keys/admin_password
chmod 0600 /app/data/keys/*

# wp-config.php: a sed of the addon's password breaks on / & \ and a ' ends
# the PHP string, so each value is escaped for a '...' literal by hand.
php_quote() { local v=${1//\\/\\\\}; printf "'%s'" "${v//\'/\\\'}"; }
key() { php_quote "$(cat /app/data/keys/$1)"; }
cat > /run/wordpress/wp-config.php.tmp <<PHP
<?php
define('DB_NAME', $(php_quote "$CLOUDRON_MYSQL_DATABASE"));
define('DB_USER', $(php_quote "$CLOUDRON_MYSQL_USERNAME"));
define('DB_PASSWORD', $(php_quote "$CLOUDRON_MYSQL_PASSWORD"));
define('DB_HOST', $(php_quote "$CLOUDRON_MYSQL_HOST:$CLOUDRON_MYSQL_PORT"));
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
\$table_prefix = 'wp_';
define('AUTH_KEY', $(key auth_key));
define('SECURE_AUTH_KEY', $(key secure_auth_key));
define('LOGGED_IN_KEY', $(key logged_in_key));
define('NONCE_KEY', $(key nonce_key));
define('AUTH_SALT', $(key auth_salt));
define('SECURE_AUTH_SALT', $(key secure_auth_salt));
define('LOGGED_IN_SALT', $(key logged_in_salt));
define('NONCE_SALT', $(key nonce_salt));
define('WP_HOME', $(php_quote "$CLOUDRON_APP_ORIGIN"));
define('WP_SITEURL', $(php_quote "$CLOUDRON_APP_ORIGIN"));
define('WP_CONTENT_DIR', '/app/data/wp-content');
define('AUTOMATIC_UPDATER_DISABLED', true);
define('DISALLOW_FILE_MODS', true);
define('WP_AUTO_UPDATE_CORE', false);
define('DISABLE_WP_CRON', true);
define('WP_DEBUG', false);
PHP
chown root:www-data /run/wordpress/wp-config.php.tmp
chmod 0640 /run/wordpress/wp-config.php.tmp
mv /run/wordpress/wp-config.php.tmp /run/wordpress/wp-config.php

chown -R www-data:www-data /app/data

# First run: WordPress's installer; then the package version it is at.
version=$(php -r 'echo json_decode(file_get_contents("/app/pkg/CloudronManifest.json"))->version;')
if [[ ! -f /app/data/.installed ]]; then
    WP_ADMIN_PASSWORD=$(cat /app/data/keys/admin_password) gosu www-data php /app/pkg/wp.php install
    touch /app/data/.installed
    echo "$version" > /app/data/.version
elif [[ "$(cat /app/data/.version 2>/dev/null)" != "$version" ]]; then
    APPSTART_OLD_VERSION=$(cat /app/data/.version 2>/dev/null || true) APPSTART_NEW_VERSION=$version \
        gosu www-data php /app/pkg/wp.php upgrade
    echo "$version" > /app/data/.version
fi

# Apache's variables (Debian's /etc/apache2/envvars), then supervisord as PID 1.
export APACHE_RUN_USER=www-data APACHE_RUN_GROUP=www-data APACHE_RUN_DIR=/run/apache2 \
    APACHE_PID_FILE=/run/apache2/apache2.pid APACHE_LOCK_DIR=/run/apache2/lock LANG=C.UTF-8
exec /usr/bin/supervisord --nodaemon -c /app/pkg/supervisord.conf
