-- A service's own first migration, for PlatformMigrationsIT.
CREATE TABLE sales (id bigint PRIMARY KEY);
