#!/usr/bin/env bash
# Starts Debian's PostgreSQL cluster (installing nothing) and creates the test role and database.
# Used by .ci/run and by developers who want the PostgreSQL variants of the tests locally.
set -euo pipefail
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | grep -q "^$version main"; then
  pg_createcluster "$version" main >/dev/null
fi
pg_ctlcluster "$version" main start 2>/dev/null || true
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p 5432 && break
  sleep 1
done
run_psql() { su postgres -c "psql -v ON_ERROR_STOP=1 -qtAc \"$1\""; }
if [[ -z $(run_psql "SELECT 1 FROM pg_roles WHERE rolname='paperfeed'") ]]; then
  run_psql "CREATE ROLE paperfeed LOGIN PASSWORD 'paperfeed'"
fi
if [[ -z $(run_psql "SELECT 1 FROM pg_database WHERE datname='paperfeed_test'") ]]; then
  run_psql "CREATE DATABASE paperfeed_test OWNER paperfeed"
fi
# Many test workers and the load test connect at once.
echo "PostgreSQL $version is ready: postgres://paperfeed:***@127.0.0.1:5432/paperfeed_test"
