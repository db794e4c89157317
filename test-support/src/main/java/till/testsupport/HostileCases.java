package till.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * Runs up to {@code count} hostile cases within a time bound, each from its own {@link HostileJson} seeded by the
 * run's seed and the case's number. The seed is random unless {@value #SEED_PROPERTY} sets it
 * ({@code -Dtill.hostile.seed=...}, passed on to the tests by surefire and failsafe); a failure names it, so the run
 * replays case for case.
 */
public final class HostileCases {

    public static final String SEED_PROPERTY = "till.hostile.seed";

    /** Failures listed in full before the rest are only counted. */
    private static final int FAILURES_SHOWN = 20;

    /** One case: returns null when it kept the promise, else what broke it. */
    @FunctionalInterface
    public interface Case {
        @Nullable
        String check(HostileJson hostile, int number) throws Exception;
    }

    private HostileCases() {}

    /** The run's seed: {@value #SEED_PROPERTY} when set, else a new random one. */
    public static long seed() {
        String set = System.getProperty(SEED_PROPERTY);
        return set == null || set.isBlank() ? ThreadLocalRandom.current().nextLong() : Long.parseLong(set.strip());
    }

    /**
     * Runs the cases until {@code count} are done or {@code bound} has passed, and fails with every broken case and
     * the seed. Returns how many ran.
     */
    public static int run(String what, int count, Duration bound, Case oneCase) {
        long seed = seed();
        long deadline = System.nanoTime() + bound.toNanos();
        List<String> broken = new ArrayList<>();
        int failures = 0;
        int ran = 0;
        while (ran < count && System.nanoTime() < deadline) {
            int number = ran++;
            @Nullable String failure;
            try {
                failure = oneCase.check(new HostileJson(seed ^ (number * 0x9E3779B97F4A7C15L)), number);
            } catch (Exception | AssertionError e) {
                failure = e.toString();
            }
            if (failure != null) {
                failures++;
                if (broken.size() < FAILURES_SHOWN) {
                    broken.add("case " + number + ": " + failure);
                }
            }
        }
        String summary = what + ": " + ran + " cases, seed " + seed + " (replay: -D" + SEED_PROPERTY + "=" + seed + ")";
        System.out.println(summary);
        if (failures > 0) {
            throw new AssertionError(failures + " of " + summary + " broke the promise; the first " + broken.size()
                    + ":\n" + String.join("\n", broken));
        }
        return ran;
    }
}
