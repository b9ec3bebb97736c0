#!/bin/sh
# Run once by the `db-certs` service: a private CA and a certificate for the database hosts
# (postgres, postgres-replica), so that the apps run with NODE_ENV=production, which requires TLS
# to the database and verifies it (DATABASE_SSL_CA_FILE=/certs/ca.crt). Kept in the db-certs
# volume; delete the volume to make new ones. Replace with your own CA's certificates if you have one.
set -eu
cd /certs
if [ -s server.crt ] && [ -s ca.crt ]; then echo "certificates already made"; exit 0; fi
apk add --no-cache openssl >/dev/null
openssl req -new -x509 -days 3650 -nodes -subj "/CN=clearmark-db-ca" -keyout ca.key -out ca.crt
openssl req -new -nodes -subj "/CN=postgres" -keyout server.key -out server.csr
printf 'subjectAltName=DNS:postgres,DNS:postgres-replica\n' > san.ext
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 825 -extfile san.ext -out server.crt
rm -f server.csr san.ext ca.srl ca.key
# PostgreSQL (uid 999 in the postgres image) refuses a key others can read.
chown 999:999 server.key server.crt && chmod 600 server.key && chmod 644 server.crt ca.crt
echo "certificates made"
