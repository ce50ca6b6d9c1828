#!/bin/sh
# The periodic program: one run records a tick and waits $TICK_SECONDS, then
# exits 0, and appstart starts it again (autorestart = "always"). This is the
# pattern for intervals under a minute; longer ones use `schedule` (cleanup).
# The wait comes first so a crash loop cannot tick faster than the interval.
trap 'exit 0' TERM
sleep "${TICK_SECONDS:-60}" &
wait $!
date -u +%FT%TZ >> /app/data/ticks
