package till.infra.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import till.infra.demo.TillClient;
import till.infra.stack.ChildProcess;
import till.infra.stack.ServiceJar;
import till.infra.stack.TillService;

/**
 * The synchronous checkout service in a JVM of its own, with the same flags as Till's services, on a database
 * and role of its own in the stack's PostgreSQL: same server, same durability settings, same machine.
 */
final class SyncCheckoutProcess implements AutoCloseable {

    private static final String DATABASE = "synccheckout";

    private final ChildProcess process;
    private final boolean training;
    private final String url;

    private SyncCheckoutProcess(ChildProcess process, boolean training, String url) {
        this.process = process;
        this.training = training;
        this.url = url;
    }

    /**
     * Creates the database and its role as the superuser on the PostgreSQL at {@code server} (a JDBC URL without
     * the database: {@code jdbc:postgresql://host:port/}), then starts the service on a free loopback port and
     * waits until it is healthy.
     */
    static SyncCheckoutProcess start(Path root, String server, Path log, TillClient http) {
        createDatabase(server + "postgres");
        int port = freePort();
        ServiceJar.Launch launch = ServiceJar.of(root, "sync-checkout").launch();
        ChildProcess process = ChildProcess.startJava(
                "sync-checkout",
                // As Till's services run, from the same kind of launch: the comparison is between designs.
                TillService.JVM_FLAGS,
                launch.args(),
                Map.of(
                        "SYNC_CHECKOUT_PORT",
                        String.valueOf(port),
                        "SYNC_CHECKOUT_JDBC_URL",
                        server + DATABASE,
                        "SYNC_CHECKOUT_DB_USER",
                        DATABASE,
                        "SYNC_CHECKOUT_DB_PASSWORD",
                        DATABASE),
                log);
        process.onExit().thenAccept(exited -> launch.exited().accept(exited.exitValue()));
        SyncCheckoutProcess service = new SyncCheckoutProcess(process, launch.training(), "http://127.0.0.1:" + port);
        try {
            process.awaitReady(() -> service.healthy(http), Duration.ofMinutes(3));
            return service;
        } catch (RuntimeException e) {
            service.close();
            throw e;
        }
    }

    String url() {
        return url;
    }

    long pid() {
        return process.pid();
    }

    private static void createDatabase(String superuserJdbcUrl) {
        try (Connection c = DriverManager.getConnection(superuserJdbcUrl, "postgres", "postgres");
                Statement s = c.createStatement()) {
            // Role and password equal the name, as for Till's services: a local benchmark, loopback only.
            s.execute("CREATE ROLE " + DATABASE + " LOGIN PASSWORD '" + DATABASE + "'");
            s.execute("CREATE DATABASE " + DATABASE + " OWNER " + DATABASE);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create the " + DATABASE + " database", e);
        }
    }

    private boolean healthy(TillClient http) {
        try {
            TillClient.Response answer = http.get(url + "/actuator/health");
            return answer.status() == 200
                    && "UP".equals(answer.body().path("status").asString(""));
        } catch (IllegalStateException notListeningYet) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    /** TERM, then KILL if it has not stopped within 20 s (longer while it writes its AOT cache); safe to call twice. */
    @Override
    public void close() {
        process.stop(training ? ServiceJar.TRAINING_STOP_GRACE : Duration.ofSeconds(20));
    }
}
