# syntax=docker/dockerfile:1
#
# One image for every process: the api (default command), the worker
# (`node dist/apps/worker/src/main.js`) and the operator cli
# (`node dist/apps/cli/src/main.js migrate up`, ...). See README.md, "Docker".

# --- build: install everything, compile to dist/, then drop the dev dependencies ---
FROM node:24-bookworm-slim AS build
WORKDIR /app

COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
COPY migrations ./migrations
RUN npm run build \
 && rm -f dist/.tsbuildinfo \
 && npm prune --omit=dev

# --- runtime: compiled code, production dependencies, pg_dump/psql for the operations ---
FROM node:24-bookworm-slim AS runtime

# postgresql-client-15 matches the server major version: backups use its pg_dump and pg_restore.
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client-15 \
 && rm -rf /var/lib/apt/lists/*

ENV NODE_ENV=production
WORKDIR /app

# Files stay owned by root (read-only for the process); the process runs as `node`.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The .ts sources beside dist/: the migration runner checksums them, so that `migrate status`
# agrees with databases migrated from a source checkout.
COPY --from=build /app/migrations ./migrations
# Reference data read at run time: the Nice classification and the sample registry (see README.md).
COPY data ./data

# Backups are written here (a volume in docker-compose.yml); the one path the process writes to.
ENV BACKUP_DIR=/var/lib/clearmark/backups AUDIT_DIGEST_DIR=/var/lib/clearmark/audit-digests
RUN mkdir -p /var/lib/clearmark/backups /var/lib/clearmark/audit-digests && chown -R node:node /var/lib/clearmark && chmod 700 /var/lib/clearmark/backups

USER node
# 3000: the api; 9464: the worker's /metrics (WORKER_METRICS_PORT).
EXPOSE 3000 9464

# Liveness only (readiness also needs the database). Probes 127.0.0.1, so keep HOST at its
# default 0.0.0.0 in containers. The worker serves no HTTP: disable this check for it.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

CMD ["node", "dist/apps/api/src/main.js"]
