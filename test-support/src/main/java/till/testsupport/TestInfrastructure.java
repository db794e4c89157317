package till.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * One real PostgreSQL and one real KRaft Kafka broker per test JVM, started on first use and stopped when the
 * JVM exits. Each caller gets its own fresh database, so test classes do not see each other's rows.
 */
public final class TestInfrastructure {

    // Started on first use, then shared by every test of the JVM.
    private static @Nullable EmbeddedPostgres postgres;
    private static @Nullable EmbeddedKafkaKraftBroker kafka;
    private static int databases;

    private TestInfrastructure() {}

    public static synchronized String kafkaBootstrapServers() {
        if (kafka == null) {
            kafka = new EmbeddedKafkaKraftBroker(1, 12);
            kafka.brokerProperties(Map.of(
                    "group.initial.rebalance.delay.ms", "0",
                    "auto.create.topics.enable", "false",
                    // A single broker's transaction log (ADR 15): Kafka's defaults ask for three replicas.
                    "transaction.state.log.replication.factor", "1",
                    "transaction.state.log.min.isr", "1"));
            kafka.afterPropertiesSet();
            Runtime.getRuntime().addShutdownHook(new Thread(kafka::destroy));
        }
        return kafka.getBrokersAsString();
    }

    /** A new, empty database; the returned JDBC URL connects as the superuser {@code postgres}. */
    public static synchronized String newDatabase(String prefix) {
        EmbeddedPostgres pg = postgres();
        String name = prefix + "_" + (++databases);
        try (Connection c = pg.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name, e);
        }
        return pg.getJdbcUrl("postgres", name);
    }

    /**
     * Points a Spring Boot test at {@code jdbcUrl} and at the JVM's broker, and gives it the test JVM's REST
     * identities ({@link TestCredentials}), from a {@code @DynamicPropertySource}.
     */
    public static void register(org.springframework.test.context.DynamicPropertyRegistry registry, String jdbcUrl) {
        registry.add("spring.datasource.url", () -> jdbcUrl);
        registry.add("spring.datasource.username", TestInfrastructure::username);
        registry.add("spring.datasource.password", TestInfrastructure::password);
        registry.add("spring.kafka.bootstrap-servers", TestInfrastructure::kafkaBootstrapServers);
        // One relay's transactional id per database, not per service: a test JVM keeps contexts of one service over
        // several databases alive at once, and relays of one id fence each other (ADR 15).
        registry.add("till.outbox.relay.transactional-id", () -> transactionalId(jdbcUrl));
        TestCredentials.register(registry);
    }

    /** The transactional id of the relay whose outbox is in the database at {@code jdbcUrl}. */
    public static String transactionalId(String jdbcUrl) {
        String path = jdbcUrl.replaceFirst("\\?.*$", "");
        return "test-relay-" + path.substring(path.lastIndexOf('/') + 1);
    }

    public static String username() {
        return "postgres";
    }

    public static String password() {
        return "postgres";
    }

    private static EmbeddedPostgres postgres() {
        EmbeddedPostgres started = postgres;
        if (started == null) {
            try {
                started = EmbeddedPostgres.builder()
                        .setServerConfig("max_connections", "300")
                        // Durability off for speed: a throw-away database per test JVM, which no test reads
                        // after a crash of PostgreSQL. The stack (infra's Postgres) keeps both on.
                        .setServerConfig("fsync", "off")
                        .setServerConfig("synchronous_commit", "off")
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("embedded PostgreSQL did not start", e);
            }
            postgres = started;
            EmbeddedPostgres stopping = started;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    stopping.close();
                } catch (IOException e) {
                    System.err.println("embedded PostgreSQL did not stop cleanly: " + e);
                }
            }));
        }
        return started;
    }

    /** Runs one query returning a single long, for assertions on raw tables. */
    public static long queryLong(String jdbcUrl, String sql) {
        try (Connection c = java.sql.DriverManager.getConnection(jdbcUrl, username(), password());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }
}
