#!/bin/bash
# Written for these tests in the shape of the .initialized guard of cloudron-packages.md (Mastodon,
# Invoice Ninja, Paperless: jglemza/cloudron-glitch, salemaziel/invoiceninja-app-cloudron start.sh).
set -eu

mkdir -p /run/app/sessions /app/data/storage

if [[ ! -f /app/data/.initialized ]]; then
    echo "==> First run: install"
    cp -r /app/code/storage.template/. /app/data/storage/
    /usr/local/bin/gosu www-data:www-data php /app/code/artisan migrate --force --seed
    touch /app/data/.initialized
fi

[[ ! -f /app/data/env ]] && cp /app/pkg/env.template /app/data/env
[[ -f /app/data/env ]] && source /app/data/env

chown -R www-data:www-data /app/data /run/app
exec /usr/bin/supervisord --configuration /etc/supervisor/supervisord.conf --nodaemon -i App
