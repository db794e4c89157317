-- ADR 4. The relay reads the outbox in batches of commits: the rows that became visible between two snapshots.
-- xid is the inserting top-level transaction, so a row belongs to the batch in which its transaction committed,
-- whatever seq it drew. Till has never been deployed (every database is created fresh), so this V0_2 runs before
-- the services' V1; a database that had already run a service's V1 would need Flyway's outOfOrder for it.
ALTER TABLE outbox ADD COLUMN xid xid8 NOT NULL DEFAULT pg_current_xact_id();

-- The wake-up hint moves from a trigger on every insert to Outbox.appendAll, which notifies only when this
-- instance's relay is not the active one (the active relay's own commits wake it in-process). A notifying commit
-- takes a cluster-wide lock, and the trigger cost about 15% of a one-row transaction.
DROP TRIGGER outbox_notify ON outbox;
DROP FUNCTION outbox_notify();
