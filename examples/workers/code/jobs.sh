#!/bin/sh
# The background job runner: takes the jobs web.js queues in /app/data/queue,
# one at a time, oldest first. A job named "crash" makes it exit 3, which is
# not in its exitcodes, so appstart restarts it (autorestart = "unexpected");
# the job was moved to done/ first, so the restart does not crash again.
set -eu
queue=/app/data/queue
done=/app/data/done
# sleep runs in the background and is waited for, so SIGTERM is handled at once.
trap 'echo "runner: stopping"; exit 0' TERM
echo "runner: up, pid $$"
while :; do
	for f in "$queue"/*.job; do
		[ -e "$f" ] || continue
		name=$(cat "$f")
		mv "$f" "$done/"
		if [ "$name" = crash ]; then
			echo "runner: job $name: exiting 3"
			exit 3
		fi
		echo "runner: job $name done"
	done
	sleep 0.5 &
	wait $!
done
