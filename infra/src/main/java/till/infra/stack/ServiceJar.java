package till.infra.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.stream.Stream;

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
    private final Path extracted;

    private ServiceJar(Path execJar) {
        this.execJar = execJar;
        this.extracted = execJar.resolveSibling("fast-start");
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
    public synchronized Launch launch() {
        if (Runtime.version().feature() < FIRST_AOT_FEATURE) {
            return new Launch(List.of("-jar", execJar.toString()), false, code -> {});
        }
        Path jar = extract();
        Path cache = extracted.resolve("app.aot");
        if (Files.isRegularFile(cache)) {
            return new Launch(List.of("-XX:AOTCache=" + cache, "-jar", jar.toString()), false, code -> {});
        }
        Path trained = extracted.resolve(
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
     * The jar extracted beside it, done again when the jar has changed since (a new build): the extraction keeps
     * the size and time of the jar it came from.
     */
    private Path extract() {
        Path plainJar = extracted.resolve(execJar.getFileName());
        Path stamp = extracted.resolve("extracted-from");
        String source;
        try {
            source = Files.size(execJar) + " "
                    + Files.getLastModifiedTime(execJar).toMillis();
            if (Files.isRegularFile(stamp) && Files.readString(stamp).equals(source) && Files.isRegularFile(plainJar)) {
                return plainJar;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + execJar, e);
        }
        Path fresh = execJar.resolveSibling(
                "fast-start.tmp-" + ProcessHandle.current().pid());
        Directories.delete(fresh);
        ChildProcess.startJava(
                        "extracting " + execJar.getFileName(),
                        List.of("-Djarmode=tools"),
                        List.of("-jar", execJar.toString(), "extract", "--destination", fresh.toString()),
                        Map.of(),
                        execJar.resolveSibling("fast-start.log"))
                .awaitSuccess(Duration.ofMinutes(2));
        try {
            Files.writeString(fresh.resolve("extracted-from"), source);
            Directories.delete(extracted);
            Files.move(fresh, extracted, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot put the extraction of " + execJar + " in place", e);
        }
        return plainJar;
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
