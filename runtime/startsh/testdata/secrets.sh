#!/bin/bash
# Written for these tests in the shape of cloudron-io/releasebell, NaPs/cloudron-node-red,
# Lanhild/growi-cloudron and jfilter/cloudron-ihatemoney start.sh (secrets made once, read back).
set -eu

if [[ ! -f /app/data/.session_secret ]]; then
    echo "==> Generating session secret"
    dd if=/dev/urandom bs=256 count=1 2>/dev/null | base64 > /app/data/.session_secret
fi

if [[ ! -f /app/data/.credential_secret ]]; then
    openssl rand -hex 32 > /app/data/.credential_secret
    chmod 600 /app/data/.credential_secret
fi
export CREDENTIAL_SECRET=$(cat /app/data/.credential_secret)

if [[ ! -s /app/data/secret_key ]]; then
    head -c 48 /dev/urandom | base64 | tr -d '\n=' > /app/data/secret_key
fi
SECRET_KEY="$(cat /app/data/secret_key)"

cat > /run/app/config.py <<EOT
SECRET_KEY = "${SECRET_KEY}"
DATABASE = "mysql://${CLOUDRON_MYSQL_USERNAME}:${CLOUDRON_MYSQL_PASSWORD}@${CLOUDRON_MYSQL_HOST}/${CLOUDRON_MYSQL_DATABASE}"
EOT

gosu cloudron:cloudron /app/code/node_modules/.bin/db-migrate up
exec /usr/local/bin/gosu cloudron:cloudron node /app/code/index.js
