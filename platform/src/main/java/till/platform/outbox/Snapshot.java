package till.platform.outbox;

import java.util.Arrays;

/**
 * A PostgreSQL {@code pg_snapshot} as its text {@code xmin:xmax:xip,...}: which transactions had committed when it
 * was taken. Read in Java, so that the relay can ask it about many transaction ids without a round trip.
 */
record Snapshot(long xmin, long xmax, long[] inProgress) {

    static Snapshot parse(String text) {
        String[] parts = text.split(":", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("not a pg_snapshot: " + text);
        }
        long[] inProgress = parts[2].isEmpty()
                ? new long[0]
                : Arrays.stream(parts[2].split(","))
                        .mapToLong(Long::parseLong)
                        .sorted()
                        .toArray();
        return new Snapshot(Long.parseLong(parts[0]), Long.parseLong(parts[1]), inProgress);
    }

    /**
     * Whether transaction {@code xid} had finished when the snapshot was taken; for a transaction that wrote rows,
     * whether its rows are visible in it (as PostgreSQL's {@code pg_visible_in_snapshot}). A transaction that
     * rolled back is finished too, and has no rows to see.
     */
    boolean isVisible(long xid) {
        return xid < xmin || (xid < xmax && Arrays.binarySearch(inProgress, xid) < 0);
    }
}
