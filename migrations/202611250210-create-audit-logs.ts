// Why: the tamper-evident, append-only audit log (who did what to which entity), owned by libs/auditing.
import type { MigrationFn } from '@app/database';

export const up: MigrationFn = async ({ context: { sql } }) => {
  await sql(`
    CREATE TABLE audit_logs (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      seq bigint NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      actor_id uuid NULL,
      actor_role text NULL,
      action text NOT NULL,
      entity_type text NULL,
      entity_id text NULL,
      outcome text NOT NULL CONSTRAINT audit_logs_outcome_check CHECK (outcome IN ('success', 'failure')),
      problem_type text NULL,
      before jsonb NULL,
      after jsonb NULL,
      changes jsonb NULL,
      metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
      ip text NULL,
      user_agent text NULL,
      request_id text NULL,
      prev_hash text NOT NULL,
      hash text NOT NULL
    )`);
  await sql('CREATE SEQUENCE audit_logs_seq OWNED BY audit_logs.seq');
  await sql('CREATE UNIQUE INDEX audit_logs_seq_key ON audit_logs (seq)');
  // The admin query's filters, each newest first.
  await sql('CREATE INDEX audit_logs_actor_id_seq_idx ON audit_logs (actor_id, seq DESC)');
  await sql('CREATE INDEX audit_logs_entity_seq_idx ON audit_logs (entity_type, entity_id, seq DESC)');
  await sql('CREATE INDEX audit_logs_action_seq_idx ON audit_logs (action, seq DESC)');
  await sql('CREATE INDEX audit_logs_created_at_idx ON audit_logs (created_at)');
  await sql('CREATE INDEX audit_logs_changes_gin_idx ON audit_logs USING gin (changes)');

  // The text each row's hash covers: every column but the hashes, in a fixed form (jsonb
  // orders keys; times are rendered in UTC to the microsecond, whatever the session's TimeZone).
  await sql(`
    CREATE FUNCTION audit_log_canonical(r audit_logs) RETURNS text LANGUAGE sql IMMUTABLE AS $$
      SELECT jsonb_build_object(
        'id', r.id, 'seq', r.seq,
        'createdAt', to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        'actorId', r.actor_id, 'actorRole', r.actor_role, 'action', r.action,
        'entityType', r.entity_type, 'entityId', r.entity_id, 'outcome', r.outcome,
        'problemType', r.problem_type, 'before', r.before, 'after', r.after, 'changes', r.changes,
        'metadata', r.metadata, 'ip', r.ip, 'userAgent', r.user_agent, 'requestId', r.request_id
      )::text
    $$`);

  // Chains each new row to the one before it. The advisory lock (held to commit) serializes
  // writers, and seq is drawn under it, so seq order is chain order even with concurrent writers.
  await sql(`
    CREATE FUNCTION audit_logs_chain() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE previous text;
    BEGIN
      PERFORM pg_advisory_xact_lock(hashtextextended('clearmark:audit_logs_chain', 0));
      SELECT hash INTO previous FROM audit_logs ORDER BY seq DESC LIMIT 1;
      NEW.seq := nextval('audit_logs_seq');
      NEW.prev_hash := coalesce(previous, '');
      NEW.hash := encode(sha256(convert_to(NEW.prev_hash || audit_log_canonical(NEW), 'UTF8')), 'hex');
      RETURN NEW;
    END $$`);
  await sql('CREATE TRIGGER audit_logs_chain BEFORE INSERT ON audit_logs FOR EACH ROW EXECUTE FUNCTION audit_logs_chain()');

  // Append-only: no UPDATE, DELETE or TRUNCATE, except deletions by audit_logs_purge().
  await sql(`
    CREATE FUNCTION audit_logs_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' AND current_setting('clearmark.audit_purge', true) = 'on' THEN
        RETURN OLD;
      END IF;
      RAISE EXCEPTION 'audit_logs is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
    END $$`);
  await sql('CREATE TRIGGER audit_logs_append_only BEFORE UPDATE OR DELETE ON audit_logs FOR EACH ROW EXECUTE FUNCTION audit_logs_append_only()');
  await sql('CREATE TRIGGER audit_logs_no_truncate BEFORE TRUNCATE ON audit_logs FOR EACH STATEMENT EXECUTE FUNCTION audit_logs_append_only()');

  // Retention, the one documented way to remove rows: deletes rows older than the cutoff and
  // records that it did (the purge is itself audited; the oldest remaining row starts the chain).
  await sql(`
    CREATE FUNCTION audit_logs_purge(cutoff timestamptz, purged_by uuid) RETURNS bigint LANGUAGE plpgsql AS $$
    DECLARE removed bigint; last_hash text;
    BEGIN
      PERFORM set_config('clearmark.audit_purge', 'on', true);
      SELECT hash INTO last_hash FROM audit_logs WHERE created_at < cutoff ORDER BY seq DESC LIMIT 1;
      DELETE FROM audit_logs WHERE created_at < cutoff;
      GET DIAGNOSTICS removed = ROW_COUNT;
      PERFORM set_config('clearmark.audit_purge', 'off', true);
      INSERT INTO audit_logs (actor_id, action, entity_type, outcome, metadata)
      VALUES (purged_by, 'audit.purge', 'audit_log', 'success',
              jsonb_build_object('cutoff', cutoff, 'removed', removed, 'lastRemovedHash', last_hash));
      RETURN removed;
    END $$`);
};

export const down: MigrationFn = async ({ context: { sql } }) => {
  // The canonical function depends on the table's row type: it goes first.
  await sql('DROP FUNCTION audit_logs_purge(timestamptz, uuid)');
  await sql('DROP FUNCTION audit_log_canonical(audit_logs)');
  await sql('DROP TABLE audit_logs');
  await sql('DROP FUNCTION audit_logs_append_only()');
  await sql('DROP FUNCTION audit_logs_chain()');
};
