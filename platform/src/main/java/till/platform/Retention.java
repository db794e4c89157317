package till.platform;

import java.time.Duration;

/** Where a clean-up's retention ends, as SQL: for the outbox's and the inbox's deletions of old rows. */
public final class Retention {

    private Retention() {}

    /**
     * The cut-off {@code retention} before now, as a constant PostgreSQL subtracts from {@code now()}, not a bound
     * parameter. Every service connection keeps one generic plan per statement (ADR 5, round 11), and a generic plan
     * for {@code sent_at < ?} assumes a third of the rows match and may scan the whole table; from {@code now()} and
     * a constant the planner estimates the few rows past their retention and reads them by index.
     */
    public static String cutOff(Duration retention) {
        return "now() - make_interval(secs => " + retention.toMillis() + " / 1000.0)";
    }
}
