package till.infra.chaos;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import till.contracts.checkout.CheckoutConfirmed;
import till.contracts.checkout.CheckoutRejected;
import till.contracts.ledger.ChargePosted;
import till.contracts.ledger.EntryPosted;
import till.infra.demo.TillClient;
import till.platform.kafka.Topics;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The SPEC's invariants checked from the outside once the stack has healed: over REST (every checkout, product,
 * customer and entry of the run, and each sale's key posted again), on the topics (the facts and replies each
 * checkout caused, the poison in the dead-letter topics) and from the inside ({@code /actuator/invariants} of every
 * instance). Each check that does not hold is a violation with a message.
 */
final class Checks {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final List<String> violations = new ArrayList<>();
    private int checked;

    List<String> violations() {
        return List.copyOf(violations);
    }

    int checked() {
        return checked;
    }

    private void check(boolean holds, String violation) {
        checked++;
        if (!holds) {
            violations.add(violation);
        }
    }

    /** What the tills saw while the faults ran: every request answered in the end, and as the SPEC says. */
    void tills(Shop shop) {
        shop.unanswered.forEach(what -> check(false, what + " was never answered (tried for 3 minutes)"));
        shop.surprises.forEach(what -> check(false, what));
        check(!shop.sales.isEmpty(), "no sale was answered at all");
    }

    /** Invariant 3 and the idempotency keys: every checkout final, one checkout per key, the key answers it again. */
    void checkouts(Shop shop, Books books, Urls urls, TillClient cashier) {
        Set<String> ids = new HashSet<>();
        int i = 0;
        for (Shop.Sale sale : shop.sales) {
            check(ids.add(sale.checkoutId()), "two keys answered checkout " + sale.checkoutId());
            JsonNode checkout = books.checkouts.get(sale.checkoutId());
            if (checkout == null) {
                check(false, "checkout " + sale.checkoutId() + " (key " + sale.key() + ") could not be read");
                continue;
            }
            String status = checkout.get("status").asString();
            check(!"PENDING".equals(status), "checkout " + sale.checkoutId() + " still PENDING after the heal");
            for (JsonNode refund : checkout.path("refunds")) {
                check(
                        "COMPLETED".equals(refund.get("status").asString()),
                        "refund " + refund.get("refundId").asString() + " of " + sale.checkoutId() + " not completed");
            }
            Map<String, Object> body = Map.of(
                    "customerId",
                    sale.customerId(),
                    "lines",
                    sale.lines().stream()
                            .map(l -> Map.of("productId", l.productId(), "quantity", l.quantity()))
                            .toList());
            TillClient.Response again =
                    cashier.post(urls.checkout(i++) + "/api/checkouts", body, Map.of("Idempotency-Key", sale.key()));
            check(
                    (again.status() == 202 || again.status() == 200)
                            && sale.checkoutId()
                                    .equals(again.body().path("checkoutId").asString()),
                    "key " + sale.key() + " posted again answered " + again.status() + " " + again.body()
                            + ", not checkout " + sale.checkoutId());
        }
    }

    /** Invariant 1: per product, nothing reserved, nothing oversold, on hand exactly what the moves add up to. */
    void stock(Shop shop, Books books) {
        Map<String, Long> sold = new HashMap<>();
        Map<String, Long> returned = new HashMap<>();
        for (JsonNode checkout : books.checkouts.values()) {
            if ("CONFIRMED".equals(checkout.get("status").asString())) {
                for (JsonNode line : checkout.get("lines")) {
                    sold.merge(
                            line.get("productId").asString(),
                            line.get("quantity").asLong(),
                            Long::sum);
                }
            }
            for (JsonNode refund : checkout.path("refunds")) {
                if ("COMPLETED".equals(refund.get("status").asString())) {
                    for (JsonNode line : refund.get("lines")) {
                        returned.merge(
                                line.get("productId").asString(),
                                line.get("quantity").asLong(),
                                Long::sum);
                    }
                }
            }
        }
        for (String productId : shop.products) {
            JsonNode product = books.products.get(productId);
            if (product == null) {
                check(false, "product " + productId + " could not be read");
                continue;
            }
            long onHand = product.get("onHand").asLong();
            long reserved = product.get("reserved").asLong();
            long available = product.get("available").asLong();
            long expected = shop.initialStock.getOrDefault(productId, 0)
                    + shop.adjusted.getOrDefault(productId, 0L)
                    - sold.getOrDefault(productId, 0L)
                    + returned.getOrDefault(productId, 0L);
            check(reserved == 0, productId + ": " + reserved + " units still reserved after the heal");
            check(
                    available == onHand - reserved && available >= 0,
                    productId + ": available " + available + " is not onHand " + onHand + " - reserved " + reserved
                            + " >= 0");
            check(
                    onHand == expected,
                    productId + ": on hand " + onHand + ", but its moves add up to " + expected + " (initial "
                            + shop.initialStock.get(productId) + ", adjusted "
                            + shop.adjusted.getOrDefault(productId, 0L)
                            + ", sold " + sold.getOrDefault(productId, 0L) + ", returned "
                            + returned.getOrDefault(productId, 0L) + ")");
        }
    }

    /**
     * Invariants 2 and 3 in the ledger: each customer's entries chain, sum to the balance and never go over the
     * credit limit; each confirmed checkout charged once for its total, each rejected one not at all (or reversed),
     * each completed refund credited once for its amount and never more than the charge; and the balance is what the
     * sales, refunds and payments the tills were told of add up to.
     */
    void ledger(Shop shop, Books books) {
        Map<String, List<Books.Entry>> byReference = new HashMap<>();
        for (String customer : shop.customers) {
            List<Books.Entry> entries = books.entries.getOrDefault(customer, List.of());
            long running = 0;
            boolean chained = true;
            for (Books.Entry entry : entries) {
                running += entry.amountMinor();
                chained &= entry.balanceAfterMinor() == running;
                if ("SALE".equals(entry.kind())) {
                    check(
                            entry.balanceAfterMinor() <= shop.highestCreditLimit.getOrDefault(customer, 0L),
                            customer + ": charge " + entry.reference() + " took the balance to "
                                    + entry.balanceAfterMinor() + ", over every credit limit it had ("
                                    + shop.highestCreditLimit.get(customer) + ")");
                }
                byReference
                        .computeIfAbsent(entry.reference(), r -> new ArrayList<>())
                        .add(entry);
            }
            check(chained, customer + ": an entry's balanceAfter does not follow from the one before");
            JsonNode view = books.customers.get(customer);
            check(
                    view != null
                            && view.get("balanceMinor").asLong() == running
                            && view.get("entryCount").asLong() == entries.size(),
                    customer + ": balance " + (view == null ? "unreadable" : view.get("balanceMinor"))
                            + " is not the sum of its " + entries.size() + " entries, " + running);
        }
        Map<String, Long> expectedBalance = new HashMap<>();
        shop.paid.forEach((customer, amount) -> expectedBalance.merge(customer, -amount, Long::sum));
        for (JsonNode checkout : books.checkouts.values()) {
            String id = checkout.get("checkoutId").asString();
            String customer = checkout.get("customerId").asString();
            List<Books.Entry> entries = byReference.getOrDefault(id, List.of());
            long sales = entries.stream().filter(e -> "SALE".equals(e.kind())).count();
            long reversals = entries.stream()
                    .filter(e -> "SALE_REVERSAL".equals(e.kind()))
                    .count();
            long net = entries.stream().mapToLong(Books.Entry::amountMinor).sum();
            if ("CONFIRMED".equals(checkout.get("status").asString())) {
                long total = checkout.get("totalMinor").asLong();
                long linesTotal = 0;
                for (JsonNode line : checkout.get("lines")) {
                    linesTotal += line.get("unitPriceMinor").asLong()
                            * line.get("quantity").asLong();
                }
                check(total == linesTotal, id + ": total " + total + " is not its lines' " + linesTotal);
                check(
                        sales == 1 && reversals == 0 && net == total,
                        id + " CONFIRMED for " + total + " but charged " + sales + " times, reversed " + reversals
                                + " times, net " + net);
                expectedBalance.merge(customer, total, Long::sum);
                long refunded = 0;
                for (JsonNode refund : checkout.path("refunds")) {
                    String refundId = refund.get("refundId").asString();
                    long amount = refund.get("amountMinor").asLong();
                    List<Books.Entry> credits = byReference.getOrDefault(refundId, List.of());
                    check(
                            credits.size() == 1 && credits.getFirst().amountMinor() == -amount,
                            "refund " + refundId + " of " + amount + " credited as " + credits);
                    refunded += amount;
                }
                check(refunded <= total, id + ": refunded " + refunded + ", more than its charge " + total);
                expectedBalance.merge(customer, -refunded, Long::sum);
            } else {
                check(
                        sales <= 1 && sales == reversals && net == 0,
                        id + " " + checkout.get("status").asString() + " but charged " + sales + " times, reversed "
                                + reversals + " times, net " + net);
            }
        }
        for (String customer : shop.customers) {
            JsonNode view = books.customers.get(customer);
            long expected = expectedBalance.getOrDefault(customer, 0L);
            check(
                    view != null && view.get("balanceMinor").asLong() == expected,
                    customer + ": balance " + (view == null ? "unreadable" : view.get("balanceMinor"))
                            + ", but its sales, refunds and payments add up to " + expected);
        }
    }

    /**
     * Invariants 3 and 4 on the topics: each checkout's fact published (once, however often re-sent), exactly one
     * charge replied and one sale entry posted per confirmed checkout, none kept for a rejected one.
     */
    void topics(Books books, KafkaConsole console) {
        Map<String, Set<String>> confirmedFacts = new HashMap<>();
        Map<String, Set<String>> rejectedFacts = new HashMap<>();
        for (CloudEventOnTopic event : events(console, Topics.CHECKOUT_EVENTS)) {
            if (CheckoutConfirmed.TYPE.equals(event.type())) {
                confirmedFacts
                        .computeIfAbsent(event.checkoutId(), k -> new HashSet<>())
                        .add(event.id());
            } else if (CheckoutRejected.TYPE.equals(event.type())) {
                rejectedFacts
                        .computeIfAbsent(event.checkoutId(), k -> new HashSet<>())
                        .add(event.id());
            }
        }
        Map<String, Set<String>> charges = new HashMap<>();
        Map<String, Set<Long>> chargedAmounts = new HashMap<>();
        for (CloudEventOnTopic event : events(console, Topics.CHECKOUT_REPLIES)) {
            if (ChargePosted.TYPE.equals(event.type())) {
                charges.computeIfAbsent(event.checkoutId(), k -> new HashSet<>())
                        .add(event.id());
                chargedAmounts
                        .computeIfAbsent(event.checkoutId(), k -> new HashSet<>())
                        .add(event.data().get("amountMinor").asLong());
            }
        }
        Map<String, Set<String>> saleEntries = new HashMap<>();
        Map<String, Set<String>> reversalEntries = new HashMap<>();
        for (CloudEventOnTopic event : events(console, Topics.LEDGER_EVENTS)) {
            if (EntryPosted.TYPE.equals(event.type())) {
                String reference = event.data().get("reference").asString();
                switch (event.data().get("kind").asString()) {
                    case "SALE" ->
                        saleEntries
                                .computeIfAbsent(reference, k -> new HashSet<>())
                                .add(event.id());
                    case "SALE_REVERSAL" ->
                        reversalEntries
                                .computeIfAbsent(reference, k -> new HashSet<>())
                                .add(event.id());
                    default -> {}
                }
            }
        }
        for (JsonNode checkout : books.checkouts.values()) {
            String id = checkout.get("checkoutId").asString();
            int confirmed = confirmedFacts.getOrDefault(id, Set.of()).size();
            int rejected = rejectedFacts.getOrDefault(id, Set.of()).size();
            int charged = charges.getOrDefault(id, Set.of()).size();
            int sales = saleEntries.getOrDefault(id, Set.of()).size();
            int reversals = reversalEntries.getOrDefault(id, Set.of()).size();
            if ("CONFIRMED".equals(checkout.get("status").asString())) {
                check(
                        confirmed == 1 && rejected == 0,
                        id + " CONFIRMED: " + confirmed + " CheckoutConfirmed, " + rejected
                                + " CheckoutRejected on checkout.events");
                check(
                        charged == 1
                                && Set.of(checkout.get("totalMinor").asLong()).equals(chargedAmounts.get(id)),
                        id + " CONFIRMED: " + charged + " ChargePosted on checkout.replies for "
                                + chargedAmounts.get(id) + ", not exactly one for " + checkout.get("totalMinor"));
                check(
                        sales == 1 && reversals == 0,
                        id + " CONFIRMED: " + sales + " SALE and " + reversals + " SALE_REVERSAL entries posted on "
                                + "ledger.events");
            } else if ("REJECTED".equals(checkout.get("status").asString())) {
                check(
                        rejected == 1 && confirmed == 0,
                        id + " REJECTED: " + rejected + " CheckoutRejected, " + confirmed
                                + " CheckoutConfirmed on checkout.events");
                check(
                        charged <= 1 && sales == reversals && sales <= 1,
                        id + " REJECTED: " + charged + " ChargePosted, " + sales + " SALE and " + reversals
                                + " SALE_REVERSAL entries on the topics");
            }
        }
    }

    /** Every poison record in its topic's dead-letter topic, with the reason in a header. */
    void deadLetters(Shop shop, KafkaConsole console) {
        Map<String, Map<String, String>> reasonsByTopic = new HashMap<>();
        for (Shop.Poison poison : shop.poison) {
            Map<String, String> reasons = reasonsByTopic.computeIfAbsent(poison.topic(), topic -> {
                Map<String, String> byKey = new HashMap<>();
                for (ConsumerRecord<String, String> record : console.readAll(topic + ".DLT")) {
                    Header reason = record.headers().lastHeader("till-dlt-reason");
                    byKey.put(
                            Objects.requireNonNullElse(record.key(), ""),
                            reason == null ? "" : new String(reason.value(), StandardCharsets.UTF_8));
                }
                return byKey;
            });
            String reason = reasons.get(poison.key());
            check(
                    reason != null && !reason.isBlank(),
                    "poison " + poison.key() + " on " + poison.topic() + ": "
                            + (reason == null ? "not in " + poison.topic() + ".DLT" : "in the DLT without a reason"));
        }
    }

    /** Every instance's own report: {@code /actuator/invariants} sound. */
    void inside(Urls urls, TillClient client) {
        List<String> all = new ArrayList<>();
        all.addAll(urls.checkouts());
        all.addAll(urls.inventories());
        all.addAll(urls.ledgers());
        for (String url : all) {
            try {
                TillClient.Response report = client.get(url + "/actuator/invariants");
                check(
                        report.status() == 200 && report.body().path("sound").asBoolean(false),
                        url + "/actuator/invariants: " + report.status() + " "
                                + report.body().path("violations"));
            } catch (IllegalStateException noAnswer) {
                check(false, url + "/actuator/invariants did not answer: " + noAnswer.getMessage());
            }
        }
    }

    private record CloudEventOnTopic(String id, String type, String checkoutId, JsonNode data) {}

    /** The topic's CloudEvents; the checks' own poison records, which are not CloudEvents, are skipped. */
    private static List<CloudEventOnTopic> events(KafkaConsole console, String topic) {
        List<CloudEventOnTopic> events = new ArrayList<>();
        for (ConsumerRecord<String, String> record : console.readAll(topic)) {
            JsonNode event;
            try {
                event = JSON.readTree(record.value());
            } catch (RuntimeException notJson) {
                continue;
            }
            JsonNode data = event.path("data");
            events.add(new CloudEventOnTopic(
                    event.path("id").asString(""),
                    event.path("type").asString(""),
                    data.path("checkoutId").asString(""),
                    data));
        }
        return events;
    }
}
