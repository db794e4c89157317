package till.infra.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A service's executable jar, and how a JVM is started from it quickly.
 *
 * <p>Three Spring Boot JVMs starting together on two cores took 30 to 40 s each, nearly all of it spent loading
 * and linking classes. On JDK 25 or later the jar is extracted once per build (Spring Boot's
 * {@code -Djarmode=tools extract}; the JDK caches classes only from plain jars on the class path) and started with
 * the JDK's ahead-of-time cache (JEP 483 and 514). The first JVM started from an extraction trains the cache, which
 * it writes when it stops gracefully; every later start maps it and is up in about half the time (ADR 8). The JVM
 * checks the cache against its own build and the class path, and starts without it when they differ. Below JDK 25,
 * the exec jar runs as it is.
 */
public final class ServiceJar {

    /** JDK 25 is the first to train a cache in the run itself ({@code -XX:AOTCacheOutput}, JEP 514). */
    private static final int FIRST_AOT_FEATURE = 25;

    /** Writing the cache at exit took about 20 s beside a running stack: a training JVM gets this long to stop. */
    public static final Duration TRAINING_STOP_GRACE = Duration.ofSeconds(90);

    private static final Map<Path, ServiceJar> BY_JAR = new ConcurrentHashMap<>();
    private static final AtomicInteger TRAINING_RUNS = new AtomicInteger();

    private final Path execJar;
    /** {@code target/fast-start}: one directory per build of the jar, with its extraction and its cache. */
    private final Path home;

    private ServiceJar(Path execJar) {
        this.execJar = execJar;
        this.home = execJar.resolveSibling("fast-start");
    }

    /** The one {@code *-exec.jar} that {@code ./mvnw package} left in {@code <root>/<module>/target}. */
    public static ServiceJar of(Path root, String module) {
        Path target = root.resolve(module).resolve("target");
        try (Stream<Path> files = Files.list(target)) {
            Path jar = files.filter(p -> p.getFileName().toString().endsWith("-exec.jar"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException(
                            "no executable jar in " + target + ": build first with ./mvnw -DskipTests package"));
            return BY_JAR.computeIfAbsent(jar.toAbsolutePath(), ServiceJar::new);
        } catch (IOException e) {
            throw new UncheckedIOException("no " + target + ": build first with ./mvnw -DskipTests package", e);
        }
    }

    /**
     * What follows the JVM flags on the command line, and what to do once that JVM has exited (with its exit code).
     * Until a cache exists, every JVM trains one, each into a file of its own: the first to stop gracefully puts
     * its cache in place, and a stack that runs for long (a test JVM's shared stack) keeps none from the others.
     */
    public Launch launch() {
        return launch(System.getenv("JAVA_TOOL_OPTIONS"));
    }

    /**
     * {@code javaToolOptions}: what every JVM started from here picks up. A profiled run ({@code ./run bench
     * --profile} passes {@code -XX:StartFlightRecording} that way) starts from a cache but never trains one: JFR is
     * off in the JVM that writes a cache, and the recording left would be that JVM's, a second of class loading
     * under the service's name, instead of the service's run.
     */
    synchronized Launch launch(@Nullable String javaToolOptions) {
        if (Runtime.version().feature() < FIRST_AOT_FEATURE) {
            return new Launch(List.of("-jar", execJar.toString()), false, code -> {});
        }
        Path build = extract();
        Path jar = build.resolve(execJar.getFileName());
        Path cache = build.resolve("app.aot");
        if (Files.isRegularFile(cache)) {
            return new Launch(List.of("-XX:AOTCache=" + cache, "-jar", jar.toString()), false, code -> {});
        }
        if (javaToolOptions != null && javaToolOptions.contains("StartFlightRecording")) {
            return new Launch(List.of("-jar", jar.toString()), false, code -> {});
        }
        Path trained = build.resolve(
                "training-" + ProcessHandle.current().pid() + "-" + TRAINING_RUNS.incrementAndGet() + ".aot");
        return new Launch(
                List.of("-XX:AOTCacheOutput=" + trained, "-jar", jar.toString()),
                true,
                code -> trainingEnded(trained, cache, code));
    }

    /**
     * The JVM writes the cache only on a graceful exit (0, or 143 after SIGTERM); one killed while writing leaves a
     * partial file, which is never put in place.
     */
    private void trainingEnded(Path trained, Path cache, int exitCode) {
        try {
            if ((exitCode == 0 || exitCode == 143) && Files.size(trained) > 0) {
                // Another trainer's cache may be in place already: both are good, the later one wins.
                Files.move(trained, cache, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            System.err.println("no AOT cache from " + trained + " (the next start trains again): " + e);
        } finally {
            deleteQuietly(trained);
            deleteQuietly(Path.of(trained + ".config"));
        }
    }

    /**
     * This build's extraction, {@code target/fast-start/<size>-<time of the exec jar>/}, made on first use. An
     * earlier build's extraction is not deleted at once: a JVM started from it may still load classes from its jars.
     * One that no launch has used for a day is.
     */
    private Path extract() {
        String build;
        try {
            build = Files.size(execJar) + "-"
                    + Files.getLastModifiedTime(execJar).toMillis();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + execJar, e);
        }
        Path dir = home.resolve(build);
        try {
            if (!Files.isRegularFile(dir.resolve(execJar.getFileName()))) {
                deleteUnusedFor(Duration.ofDays(1));
                Path fresh =
                        home.resolve(build + ".tmp-" + ProcessHandle.current().pid());
                Directories.delete(fresh);
                ChildProcess.startJava(
                                "extracting " + execJar.getFileName(),
                                List.of("-Djarmode=tools"),
                                List.of("-jar", execJar.toString(), "extract", "--destination", fresh.toString()),
                                // Not profiled: a profiled run's recording of this JVM would pass for the service's.
                                Map.of("JAVA_TOOL_OPTIONS", ""),
                                home.resolve("extract.log"))
                        .awaitSuccess(Duration.ofMinutes(2));
                if (Files.exists(dir)) {
                    // Another process extracted the same build meanwhile: either copy serves.
                    Directories.delete(fresh);
                } else {
                    Files.move(fresh, dir, StandardCopyOption.ATOMIC_MOVE);
                }
            }
            Files.setLastModifiedTime(dir, FileTime.from(Instant.now()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract " + execJar + " to " + dir, e);
        }
        return dir;
    }

    private void deleteUnusedFor(Duration unused) throws IOException {
        if (!Files.isDirectory(home)) {
            return;
        }
        FileTime before = FileTime.from(Instant.now().minus(unused));
        try (Stream<Path> builds = Files.list(home)) {
            for (Path build : builds.filter(Files::isDirectory).toList()) {
                if (Files.getLastModifiedTime(build).compareTo(before) < 0) {
                    Directories.delete(build);
                }
            }
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // A leftover training file in target/ harms nothing (it is never read), but say so.
            System.err.println("could not delete " + file + ": " + e);
        }
    }

    /**
     * @param args what follows the JVM flags
     * @param training whether this JVM writes the cache when it stops (it needs {@link #TRAINING_STOP_GRACE} then)
     * @param exited to run with the JVM's exit code once it has exited
     */
    public record Launch(List<String> args, boolean training, IntConsumer exited) {}
}
