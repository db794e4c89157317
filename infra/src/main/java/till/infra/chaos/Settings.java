package till.infra.chaos;

import java.time.Duration;

/**
 * One chaos run: {@code seed} drives the shop, the tills' choices and the fault schedule; {@code checkouts} sales
 * spread over {@code minutes} of load by {@code tills} tills at once.
 */
public record Settings(long seed, int checkouts, int minutes, int tills) {

    static final int DEFAULT_TILLS = 16;

    public Settings {
        if (checkouts < 1 || minutes < 1 || tills < 1) {
            throw new IllegalArgumentException("checkouts, minutes and tills must be positive");
        }
    }

    Duration load() {
        return Duration.ofMinutes(minutes);
    }

    /** The command that repeats this run. */
    public String command() {
        return "./run chaos --seed " + seed + " --checkouts " + checkouts + " --minutes " + minutes
                + (tills == DEFAULT_TILLS ? "" : " --tills " + tills);
    }
}
