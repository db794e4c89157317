package till.infra.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;

/**
 * Drives one system: closed loop (N tills, each starting its next sale when the last one is final) or open loop
 * (sales sent at a fixed rate whatever happens to earlier ones, each timed from when it was due, so a slow answer
 * cannot hide the queue behind it: no coordinated omission). Bounded in count and in time.
 */
final class Load {

    /** One sale: who buys what. Sale {@code i} of a scenario is the same for both systems. */
    record Sale(String customerId, List<CheckoutSystem.Line> lines) {}

    /** At most this many sales in flight in open loop; beyond it sending waits, and the wait counts as latency. */
    private static final int OPEN_LOOP_MAX_IN_FLIGHT = 256;

    private final CheckoutSystem system;
    private final String scenario;
    private final IntFunction<Sale> sales;
    private final long[] micros;
    private final AtomicInteger done = new AtomicInteger();
    private final LongAdder confirmed = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final AtomicLong lastAnswer = new AtomicLong();
    private final AtomicReference<@Nullable RuntimeException> firstFailure = new AtomicReference<>();

    private Load(CheckoutSystem system, String scenario, int count, IntFunction<Sale> sales) {
        this.system = system;
        this.scenario = scenario;
        this.sales = sales;
        this.micros = new long[count];
    }

    /** {@code clients} tills, each selling one sale after another, until {@code count} sales or {@code limit}. */
    static Phase closed(
            CheckoutSystem system, String scenario, int clients, int count, Duration limit, IntFunction<Sale> sales) {
        Load load = new Load(system, scenario, count, sales);
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        long stopAt = start + limit.toNanos();
        try (ExecutorService tills = Executors.newFixedThreadPool(clients)) {
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < clients; t++) {
                running.add(tills.submit(() -> {
                    for (int i = next.getAndIncrement();
                            i < count && System.nanoTime() < stopAt;
                            i = next.getAndIncrement()) {
                        load.sell(i, System.nanoTime());
                    }
                }));
            }
            await(running, limit.plusMinutes(2));
        }
        return load.phase(String.valueOf(clients), start);
    }

    /** {@code rate} sales a second for {@code count} sales, each timed from the moment it was due to be sent. */
    static Phase open(CheckoutSystem system, String scenario, double rate, int count, IntFunction<Sale> sales) {
        Load load = new Load(system, scenario, count, sales);
        Semaphore inFlight = new Semaphore(OPEN_LOOP_MAX_IN_FLIGHT);
        long interval = (long) (1e9 / rate);
        long start = System.nanoTime();
        try (ExecutorService tills = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                long due = start + i * interval;
                LockSupport.parkNanos(due - System.nanoTime());
                inFlight.acquireUninterruptibly();
                int sale = i;
                running.add(tills.submit(() -> {
                    try {
                        load.sell(sale, due);
                    } finally {
                        inFlight.release();
                    }
                }));
            }
            await(running, Duration.ofMinutes(2));
        }
        return load.phase("%.1f/s open".formatted(rate), start);
    }

    private void sell(int i, long due) {
        Sale sale = sales.apply(i);
        try {
            CheckoutSystem.Outcome outcome =
                    system.checkout(UUID.randomUUID().toString(), sale.customerId(), sale.lines());
            long now = System.nanoTime();
            micros[done.getAndIncrement()] = (now - due) / 1_000;
            lastAnswer.accumulateAndGet(now, Math::max);
            (outcome == CheckoutSystem.Outcome.CONFIRMED ? confirmed : rejected).increment();
        } catch (RuntimeException e) {
            failed.increment();
            firstFailure.compareAndSet(null, e);
        }
    }

    private Phase phase(String clients, long start) {
        RuntimeException failure = firstFailure.get();
        if (failure != null) {
            System.out.println("bench: " + system.name() + ", " + scenario + ": " + failed.sum()
                    + " checkouts failed; the first: " + failure.getMessage());
        }
        int answered = done.get();
        long[] latencies = Arrays.copyOf(micros, answered);
        double seconds = (Math.max(lastAnswer.get(), start + 1) - start) / 1e9;
        return new Phase(
                scenario, system.name(), clients, latencies, seconds, confirmed.sum(), rejected.sum(), failed.sum(), 0);
    }

    private static void await(List<Future<?>> running, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        for (Future<?> f : running) {
            try {
                f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                throw new IllegalStateException("sales still running after " + limit, e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("a till failed", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }
}
