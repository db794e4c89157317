package till.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Fails the build when main code takes a session-level advisory lock: such a lock outlives the transaction and
 * stays on the pooled connection, where the next borrower inherits it. Only the {@code _xact_} forms are allowed.
 */
class NoSessionAdvisoryLocksTest {

    static final Pattern SESSION_LOCK = Pattern.compile("pg_(try_)?advisory_lock(_shared)?", Pattern.CASE_INSENSITIVE);

    @Test
    void mainCodeTakesOnlyTransactionScopedAdvisoryLocks() throws IOException {
        List<Path> sources = sources();
        assertThat(sources).as("files scanned").isNotEmpty();
        List<String> offenders = sources.stream()
                .filter(file -> SESSION_LOCK.matcher(read(file)).find())
                .map(Path::toString)
                .toList();
        assertThat(offenders)
                .as("main files taking a session-level advisory lock")
                .isEmpty();
        assertThat(sources.stream().map(NoSessionAdvisoryLocksTest::read))
                .as("the posting lock is where it should be")
                .anyMatch(text -> text.contains("pg_advisory_xact_lock(?, k)") && text.contains("hashtext(c) AS k"));
    }

    @Test
    void thePatternCatchesEverySessionFormAndNoTransactionForm() {
        assertThat(SESSION_LOCK.matcher("SELECT pg_advisory_lock(1, 2)").find()).isTrue();
        assertThat(SESSION_LOCK.matcher("select PG_TRY_ADVISORY_LOCK(42)").find())
                .isTrue();
        assertThat(SESSION_LOCK.matcher("SELECT pg_advisory_lock_shared(1)").find())
                .isTrue();
        assertThat(SESSION_LOCK.matcher("SELECT pg_advisory_xact_lock(1, 2)").find())
                .isFalse();
        assertThat(SESSION_LOCK
                        .matcher("SELECT pg_try_advisory_xact_lock(1, 0)")
                        .find())
                .isFalse();
    }

    private static List<Path> sources() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("src", "main"))) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> f.toString().endsWith(".java")
                            || f.toString().endsWith(".sql")
                            || f.toString().endsWith(".properties"))
                    .toList();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new IllegalStateException(file.toString(), e);
        }
    }
}
