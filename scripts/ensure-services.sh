#!/usr/bin/env bash
# Makes sure Redis (127.0.0.1:6379) and PostgreSQL (127.0.0.1:5432) answer. Uses them if they are
# already running; otherwise starts them with Docker Compose where a Docker engine runs, else from
# local Debian packages (installing them with apt-get if missing). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "[services] $*"; }

redis_up() {
  if command -v redis-cli >/dev/null 2>&1; then
    [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = "PONG" ]
  else
    (exec 3<>/dev/tcp/127.0.0.1/6379 && printf 'PING\r\n' >&3 && IFS= read -r -t 2 line <&3 && [[ $line == +PONG* ]]) 2>/dev/null
  fi
}

pg_up() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -h 127.0.0.1 -p 5432 -q
  else
    (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null
  fi
}

wait_for() { # name check-function
  for _ in $(seq 1 60); do "$2" && return 0; sleep 0.5; done
  say "$1 did not come up within 30 s"; return 1
}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else say "need root for: $*"; return 1; fi; }

apt_updated=0
apt_install() {
  [ $apt_updated = 1 ] || { as_root apt-get update -qq; apt_updated=1; }
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

docker_works() { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; }

if redis_up && pg_up; then say "Redis and PostgreSQL are running"; exit 0; fi

if docker_works; then
  say "starting Redis and PostgreSQL with docker compose"
  docker compose up -d redis postgres
  wait_for Redis redis_up && wait_for PostgreSQL pg_up
  exit 0
fi

if ! redis_up; then
  command -v redis-server >/dev/null 2>&1 || { say "installing redis-server"; apt_install redis-server; }
  say "starting Redis"
  as_root mkdir -p /var/lib/redis /var/log/redis
  as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_for Redis redis_up
fi

if ! pg_up; then
  fresh=0
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    say "installing postgresql"; apt_install postgresql; fresh=1
  fi
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  if [ $fresh = 1 ] || ! grep -qE '^host\s+all\s+all\s+127\.0\.0\.1/32\s+trust' "/etc/postgresql/$version/main/pg_hba.conf"; then
    # Local development and CI only: trust connections from this machine, as the tests expect.
    say "allowing local trust authentication for PostgreSQL $version"
    as_root sed -i -E 's/^((local|host)\s.*\s)(peer|md5|scram-sha-256)\s*$/\1trust/' "/etc/postgresql/$version/main/pg_hba.conf"
  fi
  say "starting PostgreSQL $version"
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || as_root pg_ctlcluster "$version" main start
  wait_for PostgreSQL pg_up
fi
say "Redis and PostgreSQL are running"
