package till.infra.demo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;

/**
 * "Two cashiers, one item", at scale: N cashiers press "Complete sale" for the last unit of one product at the
 * same moment, each for a different customer. Afterwards it checks what the SPEC promises: exactly one sale
 * confirmed, every other rejected OUT_OF_STOCK, stock 0 with nothing reserved, exactly one charge, and every
 * service's own invariants report sound.
 */
public final class LastItemRace {

    public record Check(String what, boolean held, String detail) {}

    public record Result(
            int cashiers,
            String productId,
            Map<String, Integer> outcomes,
            long onHand,
            long reserved,
            long chargedMinor,
            long priceMinor,
            Duration slowest,
            List<Check> checks) {

        public boolean held() {
            return checks.stream().allMatch(Check::held);
        }

        public String table() {
            StringBuilder out = new StringBuilder();
            out.append("%n%d cashiers, 1 unit of %s at %d minor units%n%n".formatted(cashiers, productId, priceMinor));
            out.append("  %-34s %6s%n".formatted("outcome", "sales"));
            outcomes.forEach((outcome, n) -> out.append("  %-34s %6d%n".formatted(outcome, n)));
            out.append("%n  %-34s %6d%n".formatted("stock on hand", onHand));
            out.append("  %-34s %6d%n".formatted("stock reserved", reserved));
            out.append("  %-34s %6d%n".formatted("charged (sum of balances)", chargedMinor));
            out.append("  %-34s %6d ms%n%n".formatted("every sale final after", slowest.toMillis()));
            for (Check check : checks) {
                out.append("  [%s] %s%s%n"
                        .formatted(
                                check.held() ? " ok " : "FAIL",
                                check.what(),
                                check.held() ? "" : ": " + check.detail()));
            }
            out.append("%n  every invariant held: %s%n".formatted(held() ? "YES" : "NO"));
            return out.toString();
        }
    }

    private final TillClient admin;
    private final TillClient cashier;
    private final String checkoutUrl;
    private final String inventoryUrl;
    private final String ledgerUrl;

    /** The cashiers sell as {@link Callers#cashier}; the admin sets the race up and reads what happened. */
    public LastItemRace(Callers callers, String checkoutUrl, String inventoryUrl, String ledgerUrl) {
        this.admin = callers.admin();
        this.cashier = callers.cashier();
        this.checkoutUrl = checkoutUrl;
        this.inventoryUrl = inventoryUrl;
        this.ledgerUrl = ledgerUrl;
    }

    public Result run(int cashiers, Duration timeout) {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String productId = "last-espresso-machine-" + run;
        long price = 49_900;
        expect(
                admin.put(
                        inventoryUrl + "/api/products/" + productId,
                        Map.of("name", "Espresso machine (display model)", "priceMinor", price, "onHand", 1),
                        Map.of()),
                201,
                "create product");
        List<String> customers = new ArrayList<>();
        for (int i = 0; i < cashiers; i++) {
            String customerId = "customer-" + run + "-" + i;
            expect(
                    admin.put(
                            ledgerUrl + "/api/customers/" + customerId,
                            Map.of("name", "Customer " + i, "creditLimitMinor", 1_000_000),
                            Map.of()),
                    201,
                    "create customer");
            customers.add(customerId);
        }

        CountDownLatch go = new CountDownLatch(1);
        Instant started;
        List<String> checkoutIds = new ArrayList<>();
        try (ExecutorService cashierThreads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> posted = new ArrayList<>();
            for (String customerId : customers) {
                posted.add(cashierThreads.submit(() -> {
                    go.await();
                    TillClient.Response response = cashier.post(
                            checkoutUrl + "/api/checkouts",
                            Map.of(
                                    "customerId",
                                    customerId,
                                    "lines",
                                    List.of(Map.of("productId", productId, "quantity", 1))),
                            Map.of("Idempotency-Key", UUID.randomUUID().toString()));
                    expect(response, 202, "start checkout");
                    return response.body().get("checkoutId").asString();
                }));
            }
            started = Instant.now();
            go.countDown();
            for (Future<String> f : posted) {
                checkoutIds.add(f.get());
            }
        } catch (Exception e) {
            throw new IllegalStateException("a cashier's request failed: " + e.getMessage(), e);
        }

        Map<String, Integer> outcomes = new TreeMap<>();
        Instant deadline = Instant.now().plus(timeout);
        Duration slowest = Duration.ZERO;
        int unfinished = 0;
        for (String id : checkoutIds) {
            JsonNode checkout = awaitFinal(id, deadline);
            String status = checkout.get("status").asString();
            if ("PENDING".equals(status)) {
                unfinished++;
            } else {
                slowest = max(slowest, Duration.between(started, Instant.now()));
            }
            String outcome = checkout.hasNonNull("reason")
                    ? status + " " + checkout.get("reason").asString()
                    : status;
            outcomes.merge(outcome, 1, Integer::sum);
        }

        // A sale is confirmed once charged and its stock commit follows (ADR 5); the rejected sales' releases
        // follow their rejections too. Read the stock once nothing is held for a sale any more.
        JsonNode product = awaitNothingReserved(productId, deadline);
        long onHand = product.get("onHand").asLong();
        long reserved = product.get("reserved").asLong();
        long charged = awaitCharged(customers, price, deadline);

        List<Check> checks = new ArrayList<>();
        int confirmed = outcomes.getOrDefault("CONFIRMED", 0);
        checks.add(new Check(
                "every checkout ended CONFIRMED or REJECTED", unfinished == 0, unfinished + " still PENDING"));
        checks.add(new Check("exactly one sale confirmed", confirmed == 1, confirmed + " confirmed"));
        checks.add(new Check(
                "every other sale rejected OUT_OF_STOCK",
                outcomes.getOrDefault("REJECTED OUT_OF_STOCK", 0) == cashiers - 1,
                outcomes.toString()));
        checks.add(new Check("stock on hand is 0", onHand == 0, "onHand " + onHand));
        checks.add(new Check("nothing left reserved", reserved == 0, "reserved " + reserved));
        checks.add(new Check("exactly one charge, for the price", charged == price, "charged " + charged));
        for (var service : Map.of("checkout", checkoutUrl, "inventory", inventoryUrl, "ledger", ledgerUrl)
                .entrySet()) {
            JsonNode report =
                    admin.get(service.getValue() + "/actuator/invariants").body();
            boolean sound = report.path("sound").asBoolean(false);
            checks.add(new Check(service.getKey() + "-service reports its invariants sound", sound, report.toString()));
        }
        return new Result(
                cashiers, productId, outcomes, onHand, reserved, charged, price, slowest, List.copyOf(checks));
    }

    /**
     * The sum of the customers' balances, read until it is {@code expected} or the deadline passes. A quoted sale
     * (ADR 10) is charged with its reservations, so a rejected one's reversal follows its rejection: the sum only
     * falls to what was sold, and stays above it if any sale is charged twice or not reversed.
     */
    private long awaitCharged(List<String> customers, long expected, Instant deadline) {
        while (true) {
            long charged = 0;
            for (String customerId : customers) {
                charged += admin.get(ledgerUrl + "/api/customers/" + customerId)
                        .body()
                        .get("balanceMinor")
                        .asLong();
            }
            if (charged == expected || Instant.now().isAfter(deadline) || !pause()) {
                return charged;
            }
        }
    }

    private JsonNode awaitFinal(String checkoutId, Instant deadline) {
        return poll(
                checkoutUrl + "/api/checkouts/" + checkoutId,
                checkout -> !"PENDING".equals(checkout.get("status").asString()),
                deadline);
    }

    private JsonNode awaitNothingReserved(String productId, Instant deadline) {
        return poll(
                inventoryUrl + "/api/products/" + productId,
                product -> product.get("reserved").asLong() == 0,
                deadline);
    }

    /** GETs {@code url} every 100 ms until {@code done} holds or the deadline passes; returns the last answer. */
    private JsonNode poll(String url, Predicate<JsonNode> done, Instant deadline) {
        while (true) {
            JsonNode body = admin.get(url).body();
            if (done.test(body) || Instant.now().isAfter(deadline) || !pause()) {
                return body;
            }
        }
    }

    /** 100 ms between two reads; false when interrupted (the interrupt is kept for the caller). */
    private static boolean pause() {
        try {
            Thread.sleep(100);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static void expect(TillClient.Response response, int status, String what) {
        if (response.status() != status) {
            throw new IllegalStateException(
                    what + ": expected HTTP " + status + " but got " + response.status() + " " + response.body());
        }
    }
}
