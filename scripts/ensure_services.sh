#!/usr/bin/env bash
# Makes sure PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) answer, starting them where they are
# installed but stopped, and says plainly what is missing otherwise.
set -euo pipefail

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }
wait_for() { for _ in $(seq 1 30); do "$1" && return 0; sleep 1; done; return 1; }

if ! command -v pg_isready >/dev/null; then
  echo "PostgreSQL is not installed: apt-get install postgresql (tests need it on 127.0.0.1:5432, trust auth)." >&2
  exit 1
fi
if ! pg_up; then
  echo "Starting PostgreSQL…"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  wait_for pg_up || { echo "PostgreSQL does not answer on 127.0.0.1:5432." >&2; exit 1; }
fi

if ! command -v redis-server >/dev/null; then
  echo "Redis is not installed: apt-get install redis-server (tests need it on 127.0.0.1:6379)." >&2
  exit 1
fi
if ! redis_up; then
  echo "Starting Redis…"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  wait_for redis_up || { echo "Redis does not answer on 127.0.0.1:6379." >&2; exit 1; }
fi
echo "PostgreSQL and Redis are up."
