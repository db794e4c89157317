package till.infra.bench;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Counters by name (statements by database, records by topic) as read at one moment: the difference of two
 * readings, divided by a phase's confirmed checkouts, is what one checkout cost in them.
 */
record Counts(SortedMap<String, Long> byName) {

    Counts {
        byName = Collections.unmodifiableSortedMap(new TreeMap<>(byName));
    }

    /** What each counter gained since {@code before}; counters that gained nothing are left out. */
    Counts since(Counts before) {
        SortedMap<String, Long> gained = new TreeMap<>();
        byName.forEach((name, now) -> {
            long delta = now - before.byName.getOrDefault(name, 0L);
            if (delta > 0) {
                gained.put(name, delta);
            }
        });
        return new Counts(gained);
    }

    /** "checkout 23.1, inventory 14.8, ...; all 45.7": per confirmed checkout, by name, in name order. */
    String perConfirmed(long confirmed) {
        long all = byName.values().stream().mapToLong(Long::longValue).sum();
        return byName.entrySet().stream()
                        .map(e -> "%s %.1f".formatted(e.getKey(), (double) e.getValue() / confirmed))
                        .collect(Collectors.joining(", "))
                + "; all %.1f".formatted((double) all / confirmed);
    }
}
