#!/usr/bin/env bash
# Starts Debian's PostgreSQL cluster for the tests and prints the URL they read from
# RACETRACK_TEST_POSTGRES_URL. Idempotent: an answering server is left as it is.
set -euo pipefail
cd /  # the postgres user cannot enter root-owned checkouts
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | grep -q "^${version} main"; then
  pg_createcluster "$version" main >&2
fi
# Already running is fine; pg_isready below is the real check.
pg_ctlcluster "$version" main start >&2 || true
for _ in $(seq 1 50); do
  if su postgres -c "pg_isready -q"; then break; fi
  sleep 0.2
done
su postgres -c "pg_isready -q"
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='racetrack'\"" | grep -q 1 ||
  su postgres -c "psql -qc \"CREATE ROLE racetrack LOGIN SUPERUSER PASSWORD 'racetrack'\""
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='racetrack_test'\"" | grep -q 1 ||
  su postgres -c "createdb -O racetrack racetrack_test"
echo "postgres://racetrack:racetrack@127.0.0.1:5432/racetrack_test"
