package till.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;

/**
 * Which run measured: when, at which commit ({@code -dirty} when the work tree had changes), on how many cores,
 * and the run's stamp, shared by every benchmark of one {@code ./run bench} ({@code -Dtill.bench.run}) so that
 * their files sort and pair up by it. The files go to {@code -Dtill.bench.dir}, by default {@code target/bench/}
 * at the repository's root.
 */
public record RunInfo(Instant date, String commit, int cores, String stamp, Path dir) {

    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    /** This JVM's run. */
    public static RunInfo current() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Path root = repositoryRoot();
        String dir = System.getProperty("till.bench.dir");
        return new RunInfo(
                now,
                commit(root),
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("till.bench.run", STAMP.format(now)),
                dir != null ? Path.of(dir) : root.resolve("target").resolve("bench"));
    }

    /**
     * The nearest folder up from the working directory that holds {@code run} and {@code mvnw}: a module's ITs
     * run in the module's folder.
     */
    static Path repositoryRoot() {
        Path start = Path.of("").toAbsolutePath();
        for (Path p = start; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("run")) && Files.isRegularFile(p.resolve("mvnw"))) {
                return p;
            }
        }
        return start;
    }

    /** {@code git describe --always --dirty}, or "unknown" where there is no git or no repository. */
    private static String commit(Path root) {
        try {
            Process git = new ProcessBuilder("git", "-C", root.toString(), "describe", "--always", "--dirty")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!git.waitFor(10, TimeUnit.SECONDS)) {
                git.destroyForcibly();
                return "unknown";
            }
            return git.exitValue() == 0 && !out.isEmpty() ? out : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
