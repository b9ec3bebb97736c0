// Why: the request log (one row per HTTP request), owned by libs/auditing; monthly range partitions so retention drops whole tables.
import type { MigrationFn } from '@app/database';

export const up: MigrationFn = async ({ context: { sql } }) => {
  // A partitioned table's primary key must contain the partition key, hence (id, created_at).
  // No foreign key to users: the log outlives the accounts it mentions.
  await sql(`
    CREATE TABLE api_logs (
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      created_at timestamptz NOT NULL DEFAULT now(),
      request_id text NOT NULL,
      user_id uuid NULL,
      method text NOT NULL,
      route text NULL,
      path text NOT NULL,
      status smallint NOT NULL,
      duration_ms double precision NOT NULL,
      response_bytes bigint NULL,
      ip text NULL,
      user_agent text NULL,
      CONSTRAINT api_logs_pkey PRIMARY KEY (id, created_at)
    ) PARTITION BY RANGE (created_at)`);
  // GET /v1/admin/api-logs: newest first, keyset on (created_at, id), one index per filter.
  // Created on the parent, so every partition (present and future) gets its own copy.
  await sql('CREATE INDEX api_logs_created_at_id_idx ON api_logs (created_at DESC, id DESC)');
  await sql('CREATE INDEX api_logs_user_id_created_at_idx ON api_logs (user_id, created_at DESC, id DESC) WHERE user_id IS NOT NULL');
  await sql('CREATE INDEX api_logs_status_created_at_idx ON api_logs (status, created_at DESC, id DESC)');
  await sql('CREATE INDEX api_logs_route_created_at_idx ON api_logs (route, created_at DESC, id DESC)');
  await sql('CREATE INDEX api_logs_method_created_at_idx ON api_logs (method, created_at DESC, id DESC)');
  // The current and the next month (UTC), whenever this runs. No DEFAULT partition: rows for a
  // month without a partition fail loudly and the writer creates the partition (see
  // ApiLogRepository.insertMany), where a default partition would collect them silently and
  // then block the creation of that month's partition.
  await sql(`
    DO $$
    DECLARE
      month_start timestamp;
    BEGIN
      FOR i IN 0..1 LOOP
        month_start := date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => i);
        EXECUTE format(
          'CREATE TABLE %I PARTITION OF api_logs FOR VALUES FROM (%L) TO (%L)',
          'api_logs_' || to_char(month_start, 'YYYY_MM'),
          to_char(month_start, 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
          to_char(month_start + interval '1 month', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'));
      END LOOP;
    END
    $$`);
};

export const down: MigrationFn = async ({ context: { sql } }) => {
  // Drops every partition with it.
  await sql('DROP TABLE api_logs');
};
