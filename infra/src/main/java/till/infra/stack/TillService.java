package till.infra.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** One of Till's three services, run from its executable jar in a JVM of its own with a small heap. */
public final class TillService {

    public enum Name {
        INVENTORY("inventory", 8081),
        LEDGER("ledger", 8082),
        CHECKOUT("checkout", 8080);

        final String id;
        final int defaultPort;

        Name(String id, int defaultPort) {
            this.id = id;
            this.defaultPort = defaultPort;
        }

        public String id() {
            return id;
        }

        String envPrefix() {
            return name();
        }
    }

    private final Name name;
    private final Path jar;
    private final int port;
    private final Map<String, String> env;
    private final Path log;
    private ChildProcess process;

    TillService(Name name, Path root, int port, Map<String, String> env, Path log) {
        this.name = name;
        this.jar = executableJar(root, name.id + "-service");
        this.port = port;
        this.env = env;
        this.log = log;
    }

    void start() {
        start(Map.of());
    }

    private void start(Map<String, String> extraEnv) {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.putAll(extraEnv);
        process = ChildProcess.startJava(
                name.id + "-service",
                List.of("-Xmx256m", "-Xss512k", "-XX:+UseSerialGC"),
                List.of("-jar", jar.toString()),
                all,
                log);
    }

    void awaitReady(Duration timeout) {
        process.awaitReady(this::healthy, timeout);
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public Name name() {
        return name;
    }

    /** Kills the JVM as a crash would, for fault tests; {@link #start()} brings it back. */
    public void kill() {
        process.kill();
    }

    public void restart(Duration timeout) {
        restart(timeout, Map.of());
    }

    /** Starts the (killed or stopped) service again, with these environment variables added for this run. */
    public void restart(Duration timeout, Map<String, String> extraEnv) {
        start(extraEnv);
        awaitReady(timeout);
    }

    void stop() {
        if (process != null) {
            process.stop();
        }
    }

    private boolean healthy() {
        try (HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()) {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(url() + "/actuator/health"))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().contains("\"UP\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Path executableJar(Path root, String module) {
        Path target = root.resolve(module).resolve("target");
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(p -> p.getFileName().toString().endsWith("-exec.jar"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException(
                            "no executable jar in " + target + ": build first with ./mvnw -DskipTests package"));
        } catch (IOException e) {
            throw new UncheckedIOException("no " + target + ": build first with ./mvnw -DskipTests package", e);
        }
    }
}
