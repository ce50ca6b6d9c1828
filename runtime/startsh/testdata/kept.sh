#!/bin/bash
# Written for these tests in the shape of fbartels/cloudron-drone-app and ShenZhouHong/plausible-app
# start.sh: a function, a wait loop and a variable the kept part sets for what follows.
set -eu

random_string() {
	tr -dc 'a-zA-Z0-9' < /dev/urandom | head -c32
}

while ! nc -z localhost 5432; do sleep 1; done

TOKEN=$(random_string)
export API_URL="${CLOUDRON_APP_ORIGIN}/api"
mkdir -p /app/data/cache
echo "token ${TOKEN}" > /app/data/cache/token

chown -R cloudron:cloudron /app/data
exec gosu cloudron:cloudron /app/code/server --token "${TOKEN}"
