package till.ledger.posting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.transaction.support.TransactionTemplate;
import till.bench.BenchReport;
import till.bench.Charts;
import till.bench.Table;
import till.contracts.ledger.EntryPosted;
import till.ledger.LedgerIntegrationTest;
import till.ledger.Race;
import till.platform.kafka.Topics;
import till.platform.outbox.Outbox;

/**
 * Postings per second through the ledger's path (advisory lock + running balance) side by side with the naive
 * baseline (row lock with {@code SELECT … FOR UPDATE} on the customer, then a sum over all their entries), for
 * one hot customer and for 1,000 customers, in the same run and on the same database. Prints a table and keeps it, its figures and a chart in
 * {@code target/bench/} ({@code ./run bench ledger}).
 *
 * <p>Run: {@code ./mvnw -B verify -pl ledger-service -Dtill.bench=true -Dit.test=LedgerBenchmarkIT}
 */
@EnabledIfSystemProperty(named = "till.bench", matches = "true")
class LedgerBenchmarkIT extends LedgerIntegrationTest {

    private static final int THREADS = Integer.getInteger("till.bench.threads", 8);
    private static final int POSTINGS = Integer.getInteger("till.bench.postings", 4_000);
    private static final String TILL = "Till (advisory lock, running balance)";
    private static final String BASELINE = "baseline (FOR UPDATE, sum)";

    @Autowired
    TransactionTemplate tx;

    @Autowired
    Outbox outbox;

    @Test
    void postingsPerSecond() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        // One INFO line per posting would measure the console, not the ledger.
        LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
        logging.setLogLevel(Ledger.class.getName(), LogLevel.WARN);
        Table table = Table.of(
                Table.Column.text("workload"),
                Table.Column.figure("threads"),
                Table.Column.figure("postings"),
                Table.Column.figure("advisory+running (/s)"),
                Table.Column.figure("FOR UPDATE+sum (/s)"),
                Table.Column.figure("ratio"));
        BenchReport report = BenchReport.named(
                        "ledger", "Ledger postings per second (charges of 100, every posting its own transaction)")
                .table(table)
                .chart(Charts.bars("Ledger postings per second", m -> true));
        for (int customerCount : new int[] {1, 1_000}) {
            String workload = run + "-" + customerCount;
            List<String> customers = IntStream.range(0, customerCount)
                    .mapToObj(i -> newCustomer(Long.MAX_VALUE / 2))
                    .toList();
            List<String> baselineCustomers = IntStream.range(0, customerCount)
                    .mapToObj(i -> newCustomer(Long.MAX_VALUE / 2))
                    .toList();
            BiConsumer<String, String> ledgerPath = (customer, reference) -> ledger.charge(customer, reference, 100);
            BiConsumer<String, String> baseline =
                    (customer, reference) -> tx.executeWithoutResult(status -> naiveCharge(customer, reference, 100));

            // Warm up both paths (JIT, pool, plans) on their own references before measuring.
            measure(customers, POSTINGS / 10, workload + "-warm-ledger", ledgerPath);
            measure(baselineCustomers, POSTINGS / 10, workload + "-warm-naive", baseline);
            // A-B-B-A, each after the relay has drained the outbox, so neither path pays for the other's backlog.
            double ledgerRate = measure(customers, POSTINGS / 2, workload + "-ledger-1", ledgerPath);
            double naiveRate = measure(baselineCustomers, POSTINGS / 2, workload + "-naive-1", baseline);
            naiveRate = (naiveRate + measure(baselineCustomers, POSTINGS / 2, workload + "-naive-2", baseline)) / 2;
            ledgerRate = (ledgerRate + measure(customers, POSTINGS / 2, workload + "-ledger-2", ledgerPath)) / 2;

            String label = customerCount == 1 ? "1 hot customer" : "%,d customers".formatted(customerCount);
            table.row(
                    label,
                    String.valueOf(THREADS),
                    String.valueOf(POSTINGS),
                    "%.0f".formatted(ledgerRate),
                    "%.0f".formatted(naiveRate),
                    "%.1fx".formatted(ledgerRate / naiveRate));
            report.measured(label, TILL, "postings", "postings/s", ledgerRate)
                    .measured(label, BASELINE, "postings", "postings/s", naiveRate);
        }
        logging.setLogLevel(Ledger.class.getName(), null);
        assertThat(report.write().text()).exists();
        assertInvariantsHold();
    }

    /** Runs {@code postings} charges spread round-robin over the customers on THREADS threads; returns per second. */
    private double measure(List<String> customers, int postings, String prefix, BiConsumer<String, String> post) {
        await().atMost(Duration.ofMinutes(2))
                .until(() -> jdbc.sql("SELECT count(*) FROM outbox WHERE sent_at IS NULL")
                                .query(Long.class)
                                .single()
                        == 0);
        AtomicLong next = new AtomicLong();
        long start = System.nanoTime();
        Race.run(THREADS, thread -> {
            for (long i = next.getAndIncrement(); i < postings; i = next.getAndIncrement()) {
                String customer = customers.get((int) (i % customers.size()));
                post.accept(customer, prefix + "-" + i);
            }
            return thread;
        });
        double seconds = (System.nanoTime() - start) / 1e9;
        long posted = jdbc.sql("SELECT count(*) FROM entries WHERE reference LIKE :prefix")
                .param("prefix", prefix + "-%")
                .query(Long.class)
                .single();
        assertThat(posted).isEqualTo(postings);
        return postings / seconds;
    }

    /**
     * The baseline: the same statements and the same outbox fact as {@link Ledger#charge}, but serialised by a row
     * lock on the customer ({@code SELECT … FOR UPDATE}) and with the balance read as the sum of every entry.
     * Correct, but each posting reads all of the customer's entries.
     */
    private void naiveCharge(String customerId, String checkoutId, long amountMinor) {
        long creditLimit = jdbc.sql("SELECT credit_limit_minor FROM customers WHERE customer_id = :id FOR UPDATE")
                .param("id", customerId)
                .query(Long.class)
                .single();
        boolean charged = jdbc.sql("SELECT EXISTS (SELECT 1 FROM entries WHERE kind = 'SALE' AND reference = :ref)")
                .param("ref", checkoutId)
                .query(Boolean.class)
                .single();
        boolean reversed =
                jdbc.sql("""
                        SELECT EXISTS (SELECT 1 FROM reversal_markers WHERE checkout_id = :ref)
                            OR EXISTS (SELECT 1 FROM entries WHERE kind = 'SALE_REVERSAL' AND reference = :ref)
                        """).param("ref", checkoutId).query(Boolean.class).single();
        long balance = jdbc.sql("SELECT coalesce(sum(amount_minor), 0) FROM entries WHERE customer_id = :id")
                .param("id", customerId)
                .query(Long.class)
                .single();
        if (charged || reversed || !CreditLimit.allows(balance, amountMinor, creditLimit)) {
            return;
        }
        jdbc.sql("""
                        INSERT INTO entries
                            (customer_id, kind, amount_minor, balance_after_minor, reference, credit_limit_minor)
                        VALUES (:id, 'SALE', :amount, :balanceAfter, :reference, :creditLimit)
                        """)
                .param("id", customerId)
                .param("amount", amountMinor)
                .param("balanceAfter", balance + amountMinor)
                .param("reference", checkoutId)
                .param("creditLimit", creditLimit)
                .update();
        outbox.append(
                Topics.LEDGER_EVENTS,
                customerId,
                EntryPosted.TYPE,
                new EntryPosted(customerId, "SALE", amountMinor, balance + amountMinor, checkoutId));
    }
}
