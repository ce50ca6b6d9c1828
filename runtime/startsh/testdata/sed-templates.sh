#!/bin/bash
# Written for these tests in the shape of cloudron-io/sogo-app and kaleidos/spacedeck-cloudron start.sh
# (sed templates with ##PLACEHOLDERS##) and of LukasMundt/lamp-app-test (a \b pattern sed cannot map).
set -eu -o pipefail

sed -e "s,##MYSQL_URL##,${CLOUDRON_MYSQL_URL}," \
    -e "s/##LDAP_BIND_DN##/${CLOUDRON_LDAP_BIND_DN}/" \
    /app/code/sogo.conf > /run/sogo.conf

sed -e "s/##MAIL_FROM/${CLOUDRON_MAIL_FROM}/" /app/code/default.template.json > /run/default.json

sed -e "s,\bMYSQL_HOST\b,${CLOUDRON_MYSQL_HOST}," /app/code/credentials.template > /app/data/credentials.txt

echo "Start nginx"
nginx -c /run/nginx.conf &

memcached -u cloudron -m 32 &

exec /usr/local/bin/gosu cloudron:cloudron /usr/sbin/sogod
