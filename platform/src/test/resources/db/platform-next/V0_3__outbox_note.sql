-- A platform migration added after a service's V1 ran, for PlatformMigrationsIT: it must apply without outOfOrder.
ALTER TABLE outbox ADD COLUMN note text;
