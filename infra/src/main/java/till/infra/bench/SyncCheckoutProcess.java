package till.infra.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The synchronous checkout service in a JVM of its own, with the same flags as Till's services, on a database
 * and role of its own in the stack's PostgreSQL: same server, same durability settings, same machine.
 */
final class SyncCheckoutProcess implements AutoCloseable {

    /** As {@code TillService} starts Till's services: the comparison is between designs, not heap sizes. */
    static final List<String> JVM_FLAGS = List.of("-Xmx256m", "-Xss512k", "-XX:+UseSerialGC");

    private static final String DATABASE = "synccheckout";

    private final Process process;
    private final String url;
    private final Path log;

    private SyncCheckoutProcess(Process process, String url, Path log) {
        this.process = process;
        this.url = url;
        this.log = log;
    }

    /**
     * Creates the database and its role as the superuser on the PostgreSQL at {@code server} (a JDBC URL without
     * the database: {@code jdbc:postgresql://host:port/}), then starts the service on a free loopback port and
     * waits until it is healthy.
     */
    static SyncCheckoutProcess start(Path root, String server, Path log, BenchHttp http) {
        createDatabase(server + "postgres");
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // The service exits when this JVM does, even when it is killed.
        command.add("-Dtill.parent-pid=" + ProcessHandle.current().pid());
        command.addAll(JVM_FLAGS);
        command.addAll(List.of("-jar", executableJar(root).toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("SYNC_CHECKOUT_PORT", String.valueOf(port));
        builder.environment().put("SYNC_CHECKOUT_JDBC_URL", server + DATABASE);
        builder.environment().put("SYNC_CHECKOUT_DB_USER", DATABASE);
        builder.environment().put("SYNC_CHECKOUT_DB_PASSWORD", DATABASE);
        SyncCheckoutProcess service;
        try {
            Files.createDirectories(log.getParent());
            service = new SyncCheckoutProcess(builder.start(), "http://127.0.0.1:" + port, log);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start sync-checkout", e);
        }
        try {
            service.awaitHealthy(http, Duration.ofMinutes(3));
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

    private void awaitHealthy(BenchHttp http, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "sync-checkout exited with " + process.exitValue() + " before it was ready; see " + log);
            }
            if (healthy(http)) {
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for sync-checkout", e);
            }
        }
        throw new IllegalStateException("sync-checkout was not healthy within " + timeout + "; see " + log);
    }

    private boolean healthy(BenchHttp http) {
        try {
            BenchHttp.Answer answer = http.get(url + "/actuator/health", Map.of());
            return answer.status() == 200
                    && "UP".equals(answer.body().path("status").asString(""));
        } catch (IllegalStateException notYetListening) {
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

    private static Path executableJar(Path root) {
        Path target = root.resolve("sync-checkout").resolve("target");
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(p -> p.getFileName().toString().endsWith("-exec.jar"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no executable jar in " + target));
        } catch (IOException e) {
            throw new UncheckedIOException("no " + target + ": build first with ./mvnw -DskipTests package", e);
        }
    }

    /** TERM, and KILL if it has not stopped within 20 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
