#!/bin/sh
# First run: the stand-in for a database setup.
set -e
echo "installed for $APP_URL" > /app/data/installed.txt
