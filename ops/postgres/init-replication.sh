#!/bin/bash
# Runs once, when the primary's data directory is created (docker-entrypoint-initdb.d): the role
# the streaming replica (compose profile `scale`) connects as, allowed over TLS only.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v password="$POSTGRES_REPLICATION_PASSWORD" <<'SQL'
CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD :'password';
SQL
echo "hostssl replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
