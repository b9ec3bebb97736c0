#!/bin/bash
# The streaming replica of the compose profile `scale`: on first start, a base backup of the
# primary (pg_basebackup -R writes standby.signal and primary_conninfo), then PostgreSQL as a hot
# standby. Runs as the postgres user.
set -euo pipefail
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  until pg_isready -h postgres -U replicator -d postgres >/dev/null 2>&1; do sleep 2; done
  PGPASSWORD="$POSTGRES_REPLICATION_PASSWORD" pg_basebackup -h postgres -U replicator -D "$PGDATA" \
    -R -X stream --checkpoint=fast -d "sslmode=verify-full sslrootcert=/certs/ca.crt"
  chmod 700 "$PGDATA"
fi
exec postgres -c hot_standby=on -c ssl=on -c ssl_cert_file=/certs/server.crt -c ssl_key_file=/certs/server.key
