# puma for Redmine in 256 MiB: one process (no cluster workers: each would be
# another ~170 MB Rails), a few threads. Started as
#   puma -C /app/pkg/puma.rb /usr/share/redmine/config.ru
# from /usr/share/redmine; it writes no pid or state file (nothing on the
# read-only root), logs to stdout and stops gracefully on SIGTERM.
environment 'production'
bind 'tcp://0.0.0.0:3000'
threads 1, 4
workers 0
