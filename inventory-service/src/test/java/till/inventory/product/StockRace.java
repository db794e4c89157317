package till.inventory.product;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import till.contracts.inventory.CommitStock;
import till.contracts.inventory.ReleaseStock;
import till.contracts.inventory.ReserveStock;
import till.contracts.inventory.ReturnStock;
import till.inventory.refund.Returns;
import till.inventory.reservation.ReservationLifecycle;

/**
 * Writers on one product at the same moment, each through the write path it is given, as two consumers of one
 * partition (a zombie after a rebalance) and the admin API would be: reservations over scarce stock (each sells its
 * units at once, ADR 17), releases that give them back, commits from an older checkout-service, returns and
 * adjustments. Each writer keeps its own account of what its writes did, read inside the
 * write's own transaction, so the product's end state can be checked against the sum of the accounts: one lost
 * update shows there, although no CHECK constraint can see it.
 */
public final class StockRace {

    /**
     * What the writers' writes did, added up: {@code sold} units and {@code sales} reservations that stand sold (not
     * released). {@code failures} are writes that failed in a way no rule explains.
     */
    public record Account(
            long adjusted,
            long sold,
            long returned,
            long writes,
            long sales,
            long releases,
            long returns,
            long rejections,
            List<String> failures) {

        /** On hand as the writes leave it, from what it was when the race started. */
        public long onHand(long initial) {
            return initial + adjusted + returned - sold;
        }
    }

    /** A write the path gave up on (the row stayed locked through its whole budget) is tried again this often. */
    private static final int ATTEMPTS = 20;

    private final ProductLocks locks;
    private final ReservationLifecycle lifecycle;
    private final Returns returns;
    private final Adjustments adjustments;
    private final JdbcClient jdbc;

    public StockRace(
            ProductLocks locks,
            ReservationLifecycle lifecycle,
            Returns returns,
            Adjustments adjustments,
            JdbcClient jdbc) {
        this.locks = locks;
        this.lifecycle = lifecycle;
        this.returns = returns;
        this.adjustments = adjustments;
        this.jdbc = jdbc;
    }

    /** Runs {@code writers} writers of {@code rounds} rounds each, released together, and adds up their accounts. */
    public Account run(String productId, int writers, int rounds) {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Tally>> tallies = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(writers)) {
            for (int w = 0; w < writers; w++) {
                int writer = w;
                tallies.add(pool.submit(() -> {
                    go.await();
                    return write(productId, writer, rounds);
                }));
            }
            go.countDown();
            Tally sum = new Tally();
            for (Future<Tally> tally : tallies) {
                sum.add(tally.get(3, TimeUnit.MINUTES));
            }
            return sum.account();
        } catch (Exception e) {
            throw new IllegalStateException("a writer did not finish", e);
        }
    }

    private Tally write(String productId, int writer, int rounds) {
        Tally tally = new Tally();
        for (int round = 0; round < rounds; round++) {
            try {
                writeRound(productId, writer, round, tally);
            } catch (RuntimeException e) {
                tally.failures.add("writer " + writer + " round " + round + ": " + e);
            }
        }
        return tally;
    }

    /**
     * One round: reserve 1 to 3 units, which sells them; then leave the sale, release it (the units come back), or
     * send it an older checkout-service's commit, which changes nothing (and return a unit of every third such sale);
     * every fifth round also adjusts on hand, +3 or -1 (refused below zero).
     */
    private void writeRound(String productId, int writer, int round, Tally tally) {
        String checkoutId = "race-" + writer + "-" + round + "-" + productId;
        int quantity = 1 + (writer + round) % 3;
        String reserved = write(productId, locked -> {
            lifecycle.reserve(new ReserveStock(checkoutId, productId, quantity), locked);
            return stateOf(checkoutId, productId);
        });
        if (reserved == null) {
            tally.rejections++;
        } else {
            expect("COMMITTED", reserved, checkoutId);
            tally.writes++;
            switch (round % 4) {
                case 0 -> {
                    tally.sales++;
                    tally.sold += quantity;
                }
                case 1 -> {
                    expect(
                            "RELEASED",
                            write(productId, locked -> {
                                lifecycle.release(new ReleaseStock(checkoutId, productId), locked);
                                return stateOf(checkoutId, productId);
                            }),
                            checkoutId);
                    tally.writes++;
                    tally.releases++;
                }
                default -> {
                    expect(
                            "COMMITTED",
                            write(productId, locked -> {
                                lifecycle.commit(new CommitStock(checkoutId, productId), locked);
                                return stateOf(checkoutId, productId);
                            }),
                            checkoutId);
                    // Sold already: the commit writes nothing, so it is no write of the product's.
                    tally.sales++;
                    tally.sold += quantity;
                    if (round % 3 == 0) {
                        write(
                                productId,
                                locked -> returns.accept(
                                        new ReturnStock("refund-" + checkoutId, checkoutId, productId, 1), locked));
                        tally.writes++;
                        tally.returns++;
                        tally.returned++;
                    }
                }
            }
        }
        if (round % 5 == 2) {
            long delta = round % 2 == 0 ? 3 : -1;
            try {
                boolean applied = write(
                        productId,
                        locked -> adjustments
                                .apply(locked.orElseThrow(), "adjust-" + checkoutId, delta, "race")
                                .applied());
                if (!applied) {
                    throw new IllegalStateException("adjustment " + checkoutId + " was new, yet found applied");
                }
                tally.writes++;
                tally.adjusted += delta;
            } catch (BelowReservedException refused) {
                // The rule, not a failure: on hand may not go below zero (nothing is held); nothing changed.
            }
        }
    }

    private <T extends @Nullable Object> T write(String productId, Function<Optional<Product>, T> work) {
        LockUnavailableException last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try {
                return locks.write(productId, work);
            } catch (LockUnavailableException locked) {
                // Nothing changed: tried again, as a redelivered command or a retried request would be.
                last = locked;
            }
        }
        throw new IllegalStateException("the row stayed locked through " + ATTEMPTS + " budgets", last);
    }

    private @Nullable String stateOf(String checkoutId, String productId) {
        return jdbc.sql("SELECT state FROM reservations WHERE checkout_id = ? AND product_id = ?")
                .params(checkoutId, productId)
                .query(String.class)
                .optional()
                .orElse(null);
    }

    private static void expect(String state, @Nullable String found, String checkoutId) {
        if (!state.equals(found)) {
            throw new IllegalStateException(checkoutId + " is " + found + ", expected " + state);
        }
    }

    private static final class Tally {
        long adjusted;
        long sold;
        long returned;
        long writes;
        long sales;
        long releases;
        long returns;
        long rejections;
        final List<String> failures = new ArrayList<>();

        void add(Tally other) {
            adjusted += other.adjusted;
            sold += other.sold;
            returned += other.returned;
            writes += other.writes;
            sales += other.sales;
            releases += other.releases;
            returns += other.returns;
            rejections += other.rejections;
            failures.addAll(other.failures);
        }

        Account account() {
            return new Account(
                    adjusted, sold, returned, writes, sales, releases, returns, rejections, List.copyOf(failures));
        }
    }
}
