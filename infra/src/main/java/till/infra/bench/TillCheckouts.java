package till.infra.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import till.infra.demo.Callers;
import till.infra.demo.TillClient;
import tools.jackson.databind.JsonNode;

/**
 * Till, as a till uses it: {@code POST /api/checkouts} with {@code Prefer: wait=30}, which answers 200 with the
 * final checkout when the server waits for it, or 202 PENDING; then {@code GET /api/checkouts/{id}}, also with
 * {@code Prefer: wait=30}, until CONFIRMED or REJECTED. Only a GET that answers PENDING at once (a server that
 * ignores Prefer) is followed by a 2 ms pause, so that polling does not spin.
 *
 * <p>{@link #polling} is the till issue 19 started from: POST without {@code Prefer}, then a plain GET every
 * {@code pollEvery} until the checkout is final.
 */
record TillCheckouts(
        Callers callers,
        String checkoutUrl,
        String inventoryUrl,
        String ledgerUrl,
        Cpu.Processes processes,
        LongAdder answeredByPost,
        LongAdder gets,
        Duration pollEvery)
        implements CheckoutSystem {

    private static final int WAIT_SECONDS = 30;
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final long AT_ONCE_NANOS = Duration.ofSeconds(1).toNanos();

    TillCheckouts(Callers callers, String checkoutUrl, String inventoryUrl, String ledgerUrl, Cpu.Processes processes) {
        this(callers, checkoutUrl, inventoryUrl, ledgerUrl, processes, new LongAdder(), new LongAdder(), Duration.ZERO);
    }

    /** The same Till, asked the way a till without {@code Prefer: wait} has to: polling every {@code every}. */
    TillCheckouts polling(Duration every) {
        return new TillCheckouts(
                callers, checkoutUrl, inventoryUrl, ledgerUrl, processes, new LongAdder(), new LongAdder(), every);
    }

    @Override
    public String name() {
        return pollEvery.isZero() ? "Till" : "Till poll " + pollEvery.toMillis() + "ms";
    }

    @Override
    public Catalogue catalogue() {
        return new Catalogue(callers.admin(), inventoryUrl + "/api/products", ledgerUrl + "/api/customers");
    }

    @Override
    public Outcome checkout(String idempotencyKey, String customerId, List<Line> lines) {
        return pollEvery.isZero()
                ? waiting(idempotencyKey, customerId, lines)
                : polling(idempotencyKey, customerId, lines);
    }

    private Outcome polling(String idempotencyKey, String customerId, List<Line> lines) {
        JsonNode checkout = ok(
                callers.cashier()
                        .post(
                                checkoutUrl + "/api/checkouts",
                                Map.of("customerId", customerId, "lines", lines),
                                Map.of("Idempotency-Key", idempotencyKey)),
                "POST /api/checkouts");
        return untilFinal(checkout, url -> {
            CheckoutLatencyBench.sleep(pollEvery);
            return ok(callers.cashier().get(url), "GET " + url);
        });
    }

    private Outcome waiting(String idempotencyKey, String customerId, List<Line> lines) {
        JsonNode checkout = ok(
                callers.cashier()
                        .postWaiting(
                                checkoutUrl + "/api/checkouts",
                                Map.of("customerId", customerId, "lines", lines),
                                Map.of("Idempotency-Key", idempotencyKey),
                                WAIT_SECONDS),
                "POST /api/checkouts");
        if (!pending(checkout)) {
            answeredByPost.increment();
        }
        return untilFinal(checkout, url -> {
            long asked = System.nanoTime();
            JsonNode answer = ok(callers.cashier().getWaiting(url, WAIT_SECONDS), "GET " + url);
            if (pending(answer) && System.nanoTime() - asked < AT_ONCE_NANOS) {
                CheckoutLatencyBench.sleep(Duration.ofMillis(2));
            }
            return answer;
        });
    }

    /** Asks {@code next} for the checkout at its URL, within {@link #PATIENCE}, until it is no longer PENDING. */
    private Outcome untilFinal(JsonNode checkout, Function<String, JsonNode> next) {
        String url =
                checkoutUrl + "/api/checkouts/" + checkout.get("checkoutId").asString();
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (pending(checkout)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(url + " still PENDING after " + PATIENCE);
            }
            checkout = next.apply(url);
            gets.increment();
        }
        return Outcome.valueOf(checkout.get("status").asString());
    }

    private static boolean pending(JsonNode checkout) {
        return "PENDING".equals(checkout.get("status").asString());
    }

    private static JsonNode ok(TillClient.Response answer, String what) {
        if (answer.status() != 200 && answer.status() != 202) {
            throw new IllegalStateException(what + ": HTTP " + answer.status() + " " + answer.body());
        }
        return answer.body();
    }
}
