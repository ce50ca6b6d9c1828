#!/bin/bash
# Written for these tests in the shape of Babelcoop/odoo12ce-app and BrutalBirdie/cloudron-keycloak
# start.sh (crudini patches every start; a first run guarded by the config file itself).
set -eu pipefail

crudini --set /app/data/odoo.conf options db_host "${CLOUDRON_POSTGRESQL_HOST}"
crudini --set /app/data/odoo.conf options db_password "${CLOUDRON_POSTGRESQL_PASSWORD}"
crudini --set /app/data/odoo.conf "" proxy_mode True

if [[ ! -f /app/data/keycloak.conf ]]; then
  mkdir -p /app/data/themes
  cp -R /app/code/themes-orig/* /app/data/themes/
  touch /app/data/keycloak.conf
fi
crudini --set /app/data/keycloak.conf "" db-url "jdbc:postgresql://$CLOUDRON_POSTGRESQL_HOST/$CLOUDRON_POSTGRESQL_DATABASE"

chown -R odoo:odoo /app/data/
exec /usr/local/bin/gosu odoo:odoo /app/code/odoo-bin --config=/app/data/odoo.conf
