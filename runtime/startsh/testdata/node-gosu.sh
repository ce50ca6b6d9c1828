#!/bin/bash
# Written for these tests in the shape of cloudron-io/surfer and cloudron-io/meemo start.sh
# (github.com/cloudron-io/surfer start.sh @ 28d61cbb, github.com/cloudron-io/meemo start.sh @ 20328b53).
set -eu

export NODE_ENV=production
export UPLOAD_DIR=/app/data/uploads

mkdir -p "$UPLOAD_DIR" /run/app/cache

echo "=> Ensure permissions"
chown -R cloudron:cloudron /app/data /run/app

echo "=> Start the server"
cd /app/code
exec /usr/local/bin/gosu cloudron:cloudron node /app/code/server.js --uploads "${UPLOAD_DIR}"
