package till.infra.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A service JVM trains the AOT cache when it stops gracefully, and the next one starts from it; a JVM killed while
 * training leaves no cache behind. Run with the smallest real service jar, the benchmark's sync-checkout, which
 * needs only PostgreSQL.
 */
class ServiceJarIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String DATABASE = "synccheckout";

    private static Path work;
    private static Postgres postgres;

    @BeforeAll
    static void startPostgres() throws IOException {
        assumeTrue(Runtime.version().feature() >= 25, "the AOT cache is trained in the run itself from JDK 25");
        Files.createDirectories(ROOT.resolve("infra/target"));
        work = Files.createTempDirectory(ROOT.resolve("infra/target"), "service-jar-");
        postgres = Postgres.start(work.resolve("postgres"), Ports.free(), List.of(DATABASE));
    }

    @AfterAll
    static void stopPostgres() {
        if (postgres != null) {
            postgres.stop();
            Directories.delete(work);
        }
    }

    private static final String PROFILED = "-XX:StartFlightRecording=filename=target/,settings=profile";

    @Test
    void theFirstJvmTrainsTheCacheAsItStopsAndTheNextStartsFromItWhileAKilledTrainingLeavesNone() throws Exception {
        ServiceJar jar = ServiceJar.of(ROOT, "sync-checkout");
        Directories.delete(ROOT.resolve("sync-checkout/target/fast-start"));

        // A profiled run never trains (JFR is off in a JVM writing a cache): it starts the extracted jar as it is.
        ServiceJar.Launch profiled = jar.launch(PROFILED);
        assertThat(profiled.training()).isFalse();
        assertThat(profiled.args()).noneMatch(arg -> arg.startsWith("-XX:AOT"));

        ServiceJar.Launch killedWhileTraining = jar.launch();
        assertThat(killedWhileTraining.training()).isTrue();
        Path cache = trainingFile(killedWhileTraining).resolveSibling("app.aot");
        ChildProcess killed = start(killedWhileTraining, "killed");
        killed.kill();
        killedWhileTraining.exited().accept(killed.exitValue());
        assertThat(cache).as("no cache after kill -9").doesNotExist();

        ServiceJar.Launch training = jar.launch();
        assertThat(training.training()).as("trained again after the kill").isTrue();
        assertThat(trainingFile(training).resolveSibling("app.aot")).isEqualTo(cache);
        ChildProcess trainer = start(training, "training");
        trainer.stop(ServiceJar.TRAINING_STOP_GRACE);
        training.exited().accept(trainer.exitValue());
        assertThat(cache).isNotEmptyFile();

        ServiceJar.Launch cached = jar.launch();
        assertThat(cached.training()).isFalse();
        assertThat(cached.args()).contains("-XX:AOTCache=" + cache);
        assertThat(jar.launch(PROFILED).args())
                .as("a profiled run starts from the cache")
                .contains("-XX:AOTCache=" + cache);
        Path log = work.resolve("cached.log");
        ChildProcess fromCache = start(cached, "cached");
        fromCache.stop();
        // The JVM says why whenever it cannot map a cache it was given (another JDK, another class path), and then
        // starts without it.
        assertThat(Files.readAllLines(log)).noneMatch(line -> line.contains("[aot]"));
    }

    private static Path trainingFile(ServiceJar.Launch launch) {
        return launch.args().stream()
                .filter(arg -> arg.startsWith("-XX:AOTCacheOutput="))
                .map(arg -> Path.of(arg.substring("-XX:AOTCacheOutput=".length())))
                .findFirst()
                .orElseThrow();
    }

    /**
     * Starts sync-checkout from {@code launch} and waits until it answers healthy; its output in {@code <name>.log}.
     * The test hands the exit code to {@code launch} itself, so that the next launch sees its outcome.
     */
    private static ChildProcess start(ServiceJar.Launch launch, String name) {
        int port = Ports.free();
        ChildProcess process = ChildProcess.startJava(
                name,
                TillService.JVM_FLAGS,
                launch.args(),
                // Spring Boot's own names, which win over the service's properties.
                Map.of(
                        "SERVER_PORT",
                        String.valueOf(port),
                        "SPRING_DATASOURCE_URL",
                        postgres.jdbcUrl(DATABASE),
                        "SPRING_DATASOURCE_USERNAME",
                        DATABASE,
                        "SPRING_DATASOURCE_PASSWORD",
                        DATABASE),
                work.resolve(name + ".log"));
        process.awaitReady(() -> healthy(port), Duration.ofMinutes(3));
        return process;
    }

    private static boolean healthy(int port) {
        try (HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()) {
            HttpResponse<String> answer = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return answer.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
