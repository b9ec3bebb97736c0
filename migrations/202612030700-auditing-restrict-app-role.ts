// Why: the application's database role must not be able to rewrite the audit log (issue 16).
// The session-variable bypass of the append-only trigger (SET clearmark.audit_purge = 'on',
// which any role could set) is replaced by a mark only the owner's purge function can write;
// the chain trigger and the purge function run as the owner (SECURITY DEFINER), so the app's
// role needs nothing on audit_logs but INSERT and SELECT. `auditing_restrict_app_role` is called
// by the migration runner after every `migrate up` when the app runs as a role of its own (see
// MigrationRunner.grantApplicationRole). api_logs partitions are made and dropped through owner
// functions too, since only a table's owner may add or drop its partitions.
import type { MigrationFn } from '@app/database';

export const up: MigrationFn = async ({ context: { sql } }) => {
  // Transactions inside audit_logs_purge(); nobody else may write here.
  await sql('CREATE TABLE audit_logs_purge_marks (txid xid8 PRIMARY KEY)');
  await sql('REVOKE ALL ON audit_logs_purge_marks FROM PUBLIC');

  await sql(`
    CREATE FUNCTION audit_logs_purging() RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, public AS $$
      SELECT EXISTS (SELECT 1 FROM public.audit_logs_purge_marks WHERE txid = pg_current_xact_id())
    $$`);

  await sql(`
    CREATE OR REPLACE FUNCTION audit_logs_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' AND public.audit_logs_purging() THEN
        RETURN OLD;
      END IF;
      RAISE EXCEPTION 'audit_logs is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
    END $$`);

  // As before, plus: runs as the owner (the app's role needs no right on the sequence), and an
  // audit.purge event can only come from the purge function (it vouches for removed rows).
  await sql(`
    CREATE OR REPLACE FUNCTION audit_logs_chain() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, public AS $$
    DECLARE previous text;
    BEGIN
      IF NEW.action = 'audit.purge' AND NOT public.audit_logs_purging() THEN
        RAISE EXCEPTION 'audit.purge events are written by audit_logs_purge() only' USING ERRCODE = 'insufficient_privilege';
      END IF;
      PERFORM pg_advisory_xact_lock(hashtextextended('clearmark:audit_logs_chain', 0));
      SELECT hash INTO previous FROM public.audit_logs ORDER BY seq DESC LIMIT 1;
      -- A purge that removed every row: its event links to the last row removed.
      IF previous IS NULL AND NEW.action = 'audit.purge' THEN
        previous := NEW.metadata ->> 'lastRemovedHash';
      END IF;
      NEW.seq := nextval('public.audit_logs_seq');
      NEW.prev_hash := coalesce(previous, '');
      NEW.hash := encode(sha256(convert_to(NEW.prev_hash || public.audit_log_canonical(NEW), 'UTF8')), 'hex');
      RETURN NEW;
    END $$`);

  // Retention: removes the oldest rows, a prefix of the chain (by seq) whose every row is older
  // than the cutoff, and records what it removed: the new oldest row's prev_hash is the
  // lastRemovedHash of this event, which is how verification tells a purge from a deleted head.
  await sql('DROP FUNCTION audit_logs_purge(timestamptz, uuid)');
  await sql(`
    CREATE FUNCTION audit_logs_purge(cutoff timestamptz, purged_by uuid) RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, public AS $$
    DECLARE removed bigint; keep_from bigint; last_seq bigint; last_hash text;
    BEGIN
      IF cutoff IS NULL THEN RAISE EXCEPTION 'audit_logs_purge: cutoff is required'; END IF;
      INSERT INTO public.audit_logs_purge_marks (txid) VALUES (pg_current_xact_id()) ON CONFLICT DO NOTHING;
      PERFORM pg_advisory_xact_lock(hashtextextended('clearmark:audit_logs_chain', 0));
      SELECT min(seq) INTO keep_from FROM public.audit_logs WHERE created_at >= cutoff;
      SELECT seq, hash INTO last_seq, last_hash FROM public.audit_logs
       WHERE keep_from IS NULL OR seq < keep_from ORDER BY seq DESC LIMIT 1;
      DELETE FROM public.audit_logs WHERE last_seq IS NOT NULL AND seq <= last_seq;
      GET DIAGNOSTICS removed = ROW_COUNT;
      INSERT INTO public.audit_logs (actor_id, action, entity_type, outcome, metadata, seq, prev_hash, hash)
      VALUES (purged_by, 'audit.purge', 'audit_log', 'success',
              jsonb_build_object('cutoff', cutoff, 'removed', removed, 'lastRemovedSeq', last_seq::text, 'lastRemovedHash', last_hash),
              0, '', '');
      DELETE FROM public.audit_logs_purge_marks WHERE txid = pg_current_xact_id();
      RETURN removed;
    END $$`);
  await sql('REVOKE ALL ON FUNCTION audit_logs_purge(timestamptz, uuid) FROM PUBLIC');

  // api_logs partitions, by the owner; names and bounds are checked here as well as in the app.
  await sql(`
    CREATE FUNCTION api_logs_create_partition(name text, range_from timestamptz, range_to timestamptz) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    BEGIN
      IF name !~ '^api_logs_[0-9]{4}_[0-9]{2}$' THEN RAISE EXCEPTION 'not an api_logs partition name: %', name; END IF;
      IF to_regclass('public.' || name) IS NOT NULL THEN RETURN false; END IF;
      EXECUTE format('CREATE TABLE public.%I PARTITION OF public.api_logs FOR VALUES FROM (%L) TO (%L)', name, range_from, range_to);
      RETURN true;
    END $$`);
  await sql(`
    CREATE FUNCTION api_logs_drop_partition(name text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    BEGIN
      IF name !~ '^api_logs_[a-z0-9_]+$' THEN RAISE EXCEPTION 'not an api_logs partition name: %', name; END IF;
      IF NOT EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                      WHERE i.inhparent = 'public.api_logs'::regclass AND c.relname = name) THEN
        RETURN;
      END IF;
      EXECUTE format('DROP TABLE public.%I', name);
    END $$`);
  await sql('REVOKE ALL ON FUNCTION api_logs_create_partition(text, timestamptz, timestamptz) FROM PUBLIC');
  await sql('REVOKE ALL ON FUNCTION api_logs_drop_partition(text) FROM PUBLIC');

  // What the app's role may do beyond the runner's default grants (DML on every table).
  await sql(`
    CREATE FUNCTION auditing_restrict_app_role(app text) RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
      EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON public.audit_logs FROM %I', app);
      EXECUTE format('GRANT SELECT, INSERT ON public.audit_logs TO %I', app);
      EXECUTE format('REVOKE ALL ON public.audit_logs_purge_marks FROM %I', app);
      -- SELECT only, so that pg_dump (backups) can read every table as the app's role.
      EXECUTE format('GRANT SELECT ON public.audit_logs_purge_marks TO %I', app);
      EXECUTE format('REVOKE ALL ON SEQUENCE public.audit_logs_seq FROM %I', app);
      EXECUTE format('GRANT SELECT ON SEQUENCE public.audit_logs_seq TO %I', app);
      EXECUTE format('GRANT EXECUTE ON FUNCTION public.audit_logs_purge(timestamptz, uuid) TO %I', app);
      EXECUTE format('GRANT EXECUTE ON FUNCTION public.api_logs_create_partition(text, timestamptz, timestamptz) TO %I', app);
      EXECUTE format('GRANT EXECUTE ON FUNCTION public.api_logs_drop_partition(text) TO %I', app);
    END $$`);
  await sql('REVOKE ALL ON FUNCTION auditing_restrict_app_role(text) FROM PUBLIC');
};

export const down: MigrationFn = async ({ context: { sql } }) => {
  await sql('DROP FUNCTION auditing_restrict_app_role(text)');
  await sql('DROP FUNCTION api_logs_drop_partition(text)');
  await sql('DROP FUNCTION api_logs_create_partition(text, timestamptz, timestamptz)');
  await sql('DROP FUNCTION audit_logs_purge(timestamptz, uuid)');
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
  await sql(`
    CREATE OR REPLACE FUNCTION audit_logs_chain() RETURNS trigger LANGUAGE plpgsql SECURITY INVOKER AS $$
    DECLARE previous text;
    BEGIN
      PERFORM pg_advisory_xact_lock(hashtextextended('clearmark:audit_logs_chain', 0));
      SELECT hash INTO previous FROM audit_logs ORDER BY seq DESC LIMIT 1;
      NEW.seq := nextval('audit_logs_seq');
      NEW.prev_hash := coalesce(previous, '');
      NEW.hash := encode(sha256(convert_to(NEW.prev_hash || audit_log_canonical(NEW), 'UTF8')), 'hex');
      RETURN NEW;
    END $$`);
  await sql('ALTER FUNCTION audit_logs_chain() RESET ALL');
  await sql(`
    CREATE OR REPLACE FUNCTION audit_logs_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' AND current_setting('clearmark.audit_purge', true) = 'on' THEN
        RETURN OLD;
      END IF;
      RAISE EXCEPTION 'audit_logs is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
    END $$`);
  await sql('DROP FUNCTION audit_logs_purging()');
  await sql('DROP TABLE audit_logs_purge_marks');
};
