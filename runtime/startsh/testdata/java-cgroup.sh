#!/bin/bash
# Written for these tests in the shape of BrutalBirdie/cloudron-keycloak start.sh (Java memory from
# the cgroup) and of the worker arithmetic of OrcVole/windmill-cloudron and Alusage/cloudron-odoo.
set -eu

if [[ -f /sys/fs/cgroup/memory/memory.limit_in_bytes ]]; then
  ALLOWED_MBYTES=$(($(cat /sys/fs/cgroup/memory/memory.limit_in_bytes) / 2 ** 20))
else
  ALLOWED_MBYTES=1024
fi
export JAVA_OPTS="-XX:MaxRAM=${ALLOWED_MBYTES}M -Xmx$(( ALLOWED_MBYTES * 75 / 100 ))m"

mem_mb=$(( $(cat /sys/fs/cgroup/memory.max) / 1024 / 1024 ))
workers=$(( (mem_mb - 1024) / 768 ))
(( workers < 1 )) && workers=1
(( workers > 6 )) && workers=6
export WORKERS="${workers}"

exec gosu cloudron:cloudron java $JAVA_OPTS -jar /app/code/app.jar
