package till.infra.stack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A real PostgreSQL (zonky's embedded binaries from Maven Central) with one database and one role per service,
 * whose data directory outlives the stack: a new start recovers it (PostgreSQL's own crash recovery after a kill)
 * instead of formatting a new one.
 */
final class Postgres {

    /** Written next to the data directory once initdb and the roles succeeded; without it the directory is junk. */
    private static final String INITIALISED = "postgres.initialised";

    private final EmbeddedPostgres server;
    private final Path dataDir;
    private final long pid;

    private Postgres(EmbeddedPostgres server, Path dataDir) {
        this.server = server;
        this.dataDir = dataDir;
        this.pid = postmasterPid(dataDir)
                .orElseThrow(() -> new IllegalStateException("PostgreSQL started but wrote no " + pidFile(dataDir)));
    }

    static Postgres start(Path dataDir, int port, List<String> services) {
        Path initialised = dataDir.resolveSibling(INITIALISED);
        stopLeftover(dataDir);
        if (!Files.exists(initialised)) {
            // A first start that was cut short (even mid-initdb) left nothing anyone could have written to yet.
            Directories.delete(dataDir);
        }
        EmbeddedPostgres server;
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
            if (System.getenv("TILL_PROFILE") != null) {
                // ./run bench checkout --profile: which statements take the database's time.
                builder.setServerConfig("shared_preload_libraries", "pg_stat_statements");
                // ...and how often each is planned: a statement planned on every call pays its parse and plan each
                // time.
                builder.setServerConfig("pg_stat_statements.track_planning", "on");
                // and where each hop's time goes: the commit time of every outbox row's transaction (HopTimes).
                builder.setServerConfig("track_commit_timestamp", "on");
            }
            // Only for a benchmark that asks what durable commits cost (ADR 5); never set for a shop's data.
            String durable = "1".equals(System.getenv("TILL_BENCH_NOT_DURABLE")) ? "off" : "on";
            server = builder.setPort(port)
                    .setDataDirectory(dataDir)
                    // zonky runs initdb only when the directory has no postgresql.conf, and never deletes it.
                    .setCleanDataDirectory(false)
                    // The stack stops PostgreSQL itself, after the services; a hook of zonky's would race it.
                    .setRegisterShutdownHook(false)
                    // Crash recovery replays the WAL before the server accepts connections.
                    .setPGStartupWait(Duration.ofMinutes(3))
                    // zonky passes -F (fsync off) and defaults synchronous_commit to off: a commit the services
                    // acknowledged, and a relay published, must survive a crash, so both are turned back on.
                    .setServerConfig("fsync", durable)
                    .setServerConfig("synchronous_commit", durable)
                    .setServerConfig("full_page_writes", "on")
                    .setServerConfig("max_connections", "300")
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "PostgreSQL did not start on " + dataDir + " (see docs/runbook.md, 'When a start fails')", e);
        }
        Postgres postgres = new Postgres(server, dataDir);
        for (String service : services) {
            postgres.createIfMissing(service);
        }
        try {
            Files.writeString(initialised, "initdb, roles and databases done\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return postgres;
    }

    /**
     * A postmaster still running on this directory (the stack's JVM was killed, or a stop was slower than zonky's
     * five seconds) is asked to stop and then waited for; a pid file naming a process that is not PostgreSQL
     * (the pid was reused after a crash) is removed. PostgreSQL itself ignores a pid file whose process is gone.
     */
    private static void stopLeftover(Path dataDir) {
        Optional<ProcessHandle> leftover = postmasterPid(dataDir).flatMap(ProcessHandle::of);
        if (leftover.isEmpty() || !leftover.get().isAlive()) {
            return;
        }
        ProcessHandle postmaster = leftover.get();
        boolean isPostgres = postmaster.info().command().orElse("").endsWith("/postgres");
        if (!isPostgres) {
            try {
                Files.deleteIfExists(pidFile(dataDir));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return;
        }
        // SIGTERM: a smart shutdown, which ends once the (dead or dying) services' connections are gone.
        postmaster.destroy();
        if (!awaitGone(postmaster, Duration.ofSeconds(60))) {
            // Still not down: a crash is what PostgreSQL recovers from anyway.
            killTree(postmaster);
        }
    }

    private static boolean awaitGone(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("waiting for PostgreSQL (pid " + process.pid() + ") to exit", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for PostgreSQL to exit", e);
        }
    }

    /** SIGKILL to the postmaster and every backend, as a power cut would end them; waits until all are gone. */
    static void killTree(ProcessHandle postmaster) {
        List<ProcessHandle> all = java.util.stream.Stream.concat(
                        java.util.stream.Stream.of(postmaster), postmaster.descendants())
                .toList();
        all.forEach(ProcessHandle::destroyForcibly);
        Instant deadline = Instant.now().plusSeconds(30);
        for (ProcessHandle process : all) {
            if (!awaitGone(process, Duration.between(Instant.now(), deadline).abs())) {
                throw new IllegalStateException("PostgreSQL process " + process.pid() + " survived SIGKILL");
            }
        }
    }

    private static Path pidFile(Path dataDir) {
        return dataDir.resolve("postmaster.pid");
    }

    /** The first line of {@code postmaster.pid}, if there is one. */
    private static Optional<Long> postmasterPid(Path dataDir) {
        try {
            List<String> lines = Files.readAllLines(pidFile(dataDir));
            return lines.isEmpty() || lines.getFirst().isBlank()
                    ? Optional.empty()
                    : Optional.of(Long.parseLong(lines.getFirst().trim()));
        } catch (java.nio.file.NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Role and password equal the service's name: a local development stack, loopback only. Each role owns its
     * database and can connect to no other.
     */
    private void createIfMissing(String service) {
        if (!exists("SELECT 1 FROM pg_roles WHERE rolname = ?", service)) {
            execute("CREATE ROLE " + service + " LOGIN PASSWORD '" + service + "'");
        }
        if (!exists("SELECT 1 FROM pg_database WHERE datname = ?", service)) {
            execute("CREATE DATABASE " + service + " OWNER " + service);
        }
        // Least privilege: a service's role reaches its own database only (PostgreSQL grants CONNECT and TEMPORARY
        // on every database to PUBLIC). On every start, so that a data directory from before this also gets it.
        execute("REVOKE CONNECT, TEMPORARY ON DATABASE " + service + " FROM PUBLIC");
    }

    String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + server.getPort() + "/" + database;
    }

    int port() {
        return server.getPort();
    }

    /** The postmaster's pid: its backends are its children. */
    long pid() {
        return pid;
    }

    private boolean exists(String sql, String name) {
        try (Connection c = server.getPostgresDatabase().getConnection();
                PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, name);
            try (ResultSet rows = s.executeQuery()) {
                return rows.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    private void execute(String sql) {
        try (Connection c = server.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** A fast shutdown (zonky's pg_ctl stop -m fast), then waits for the postmaster to be gone for real. */
    void stop() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL did not stop cleanly", e);
        }
        // zonky's pg_ctl gives up after five seconds; the shutdown checkpoint may take longer on a busy machine.
        ProcessHandle.of(pid).ifPresent(postmaster -> {
            if (!awaitGone(postmaster, Duration.ofSeconds(60))) {
                throw new IllegalStateException("PostgreSQL (pid " + pid + ") did not stop on " + dataDir);
            }
        });
    }
}
