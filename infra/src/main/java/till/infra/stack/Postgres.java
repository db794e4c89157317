package till.infra.stack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** A real PostgreSQL (zonky's embedded binaries from Maven Central) with one database and one role per service. */
final class Postgres {

    private final EmbeddedPostgres server;

    private Postgres(EmbeddedPostgres server) {
        this.server = server;
    }

    static Postgres start(Path dataDir, int port, List<String> services) {
        EmbeddedPostgres server;
        try {
            server = EmbeddedPostgres.builder()
                    .setPort(port)
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(true)
                    .setServerConfig("max_connections", "300")
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL did not start", e);
        }
        Postgres postgres = new Postgres(server);
        for (String service : services) {
            // Role and password equal the service's name: a local development stack, loopback only.
            postgres.execute("CREATE ROLE " + service + " LOGIN PASSWORD '" + service + "'");
            postgres.execute("CREATE DATABASE " + service + " OWNER " + service);
        }
        return postgres;
    }

    String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + server.getPort() + "/" + database;
    }

    int port() {
        return server.getPort();
    }

    private void execute(String sql) {
        try (Connection c = server.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    void stop() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL did not stop cleanly", e);
        }
    }
}
