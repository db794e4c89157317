package till.infra.chaos;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import till.infra.demo.TillClient;
import till.platform.security.Credentials;
import tools.jackson.databind.JsonNode;

/**
 * The load: {@link Settings#tills} tills selling over scarce stock to customers with tight credit, paced so that the
 * sales spread over the run, both checkout-service instances in turn. Before some sales a till refunds part of a
 * confirmed sale or an admin edits a price, the stock, a credit limit or records a payment. Every request that
 * changes something carries its key and is sent again, to the other instance, until it is answered: what a till
 * does when the instance it talks to dies.
 */
final class Tills {

    /** How long one request to an instance may go unanswered (a stopped instance never answers). */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(8);

    /** How long a till keeps sending one request again before it gives up: a liveness violation. */
    private static final Duration GIVE_UP_AFTER = Duration.ofMinutes(3);

    private static final int[] STOCK_DELTAS = {-2, -1, 1, 2, 3};

    private final Settings settings;
    private final Shop shop;
    private final Urls urls;
    /** Sales and refunds go as a cashier; stock, price, credit and payment changes as an admin (docs/SPEC.md). */
    private final TillClient cashier;

    private final TillClient admin;
    private final AtomicInteger nextSale = new AtomicInteger();
    private final AtomicInteger nextEdit = new AtomicInteger();

    Tills(Settings settings, Shop shop, Urls urls, Credentials credentials) {
        this.cashier = new TillClient(credentials.cashier(), REQUEST_TIMEOUT);
        this.admin = new TillClient(credentials.admin(), REQUEST_TIMEOUT);
        this.settings = settings;
        this.shop = shop;
        this.urls = urls;
    }

    /** Runs every till until the sales are all made or the load's time is up; returns once every till is done. */
    void run() {
        Instant start = Instant.now();
        Instant end = start.plus(settings.load());
        Duration pace = settings.load().dividedBy(settings.checkouts());
        try (ExecutorService tills = Executors.newFixedThreadPool(settings.tills())) {
            for (int till = 0; till < settings.tills(); till++) {
                int t = till;
                tills.submit(() -> till(t, start, end, pace));
            }
        } finally {
            cashier.close();
            admin.close();
        }
    }

    private void till(int till, Instant start, Instant end, Duration pace) {
        Random random = new Random(settings.seed() * 1_000_003L + till);
        try {
            for (int sale = nextSale.getAndIncrement();
                    sale < settings.checkouts();
                    sale = nextSale.getAndIncrement()) {
                Instant due = start.plus(pace.multipliedBy(sale));
                if (due.isAfter(end) || Instant.now().isAfter(end)) {
                    return;
                }
                Pause.until(due);
                int other = random.nextInt(100);
                if (other < 15 && !shop.sales.isEmpty()) {
                    refund(till, random);
                } else if (other < 25) {
                    edit(till, random);
                }
                sell(till, sale, random);
            }
        } catch (RuntimeException e) {
            shop.surprise("till " + till + " failed: " + e);
        }
    }

    private void sell(int till, int sale, Random random) {
        String customer = shop.customers.get(random.nextInt(shop.customers.size()));
        List<Shop.Line> lines = new ArrayList<>();
        List<String> products = new ArrayList<>(shop.products);
        int lineCount = 1 + random.nextInt(2);
        for (int i = 0; i < lineCount; i++) {
            lines.add(new Shop.Line(products.remove(random.nextInt(products.size())), 1 + random.nextInt(2)));
        }
        boolean waits = random.nextBoolean();
        String key = "chaos-" + settings.seed() + "-sale-" + sale;
        Map<String, Object> body = Map.of(
                "customerId",
                customer,
                "lines",
                lines.stream()
                        .map(l -> Map.of("productId", l.productId(), "quantity", l.quantity()))
                        .toList());
        Optional<TillClient.Response> answer = untilAnswered(till, "sale " + key, url -> {
            String checkouts = url + "/api/checkouts";
            Map<String, String> headers = Map.of("Idempotency-Key", key);
            return waits ? cashier.postWaiting(checkouts, body, headers, 5) : cashier.post(checkouts, body, headers);
        });
        if (answer.isEmpty()) {
            shop.unanswered.add("sale " + key);
            return;
        }
        TillClient.Response response = answer.get();
        if (response.status() != 200 && response.status() != 202) {
            shop.surprise("sale " + key + " answered " + response.status() + " " + response.body());
            return;
        }
        Shop.Sale answered =
                new Shop.Sale(key, response.body().get("checkoutId").asString(), customer, List.copyOf(lines));
        shop.sales.add(answered);
        shop.count(waits ? "sales waiting for their outcome (Prefer: wait=5)" : "sales answered at once");
    }

    /** Part of an earlier sale, if it is CONFIRMED (asked with {@code Prefer: wait=5}). */
    private void refund(int till, Random random) {
        Shop.Sale sale = shop.sales.get(random.nextInt(shop.sales.size()));
        Optional<TillClient.Response> read = untilAnswered(
                till,
                "read " + sale.checkoutId(),
                url -> cashier.getWaiting(url + "/api/checkouts/" + sale.checkoutId(), 5));
        if (read.isEmpty()
                || !"CONFIRMED".equals(read.get().body().path("status").asString())) {
            return;
        }
        Shop.Line line = sale.lines().get(random.nextInt(sale.lines().size()));
        int quantity = 1 + random.nextInt(line.quantity());
        String key = "chaos-" + settings.seed() + "-refund-" + nextEdit.getAndIncrement();
        Map<String, Object> body =
                Map.of("lines", List.of(Map.of("productId", line.productId(), "quantity", quantity)));
        untilAnswered(
                        till,
                        "refund " + key,
                        url -> cashier.post(
                                url + "/api/checkouts/" + sale.checkoutId() + "/refunds",
                                body,
                                Map.of("Idempotency-Key", key)))
                .ifPresentOrElse(
                        response -> {
                            switch (response.status()) {
                                case 202 -> shop.count("refunds accepted");
                                // More than is left to refund of that line: refused, as the SPEC says.
                                case 409 -> shop.count("refunds refused (409, more than sold)");
                                default ->
                                    shop.surprise(
                                            "refund " + key + " answered " + response.status() + " " + response.body());
                            }
                        },
                        () -> shop.unanswered.add("refund " + key));
    }

    private void edit(int till, Random random) {
        int edit = nextEdit.getAndIncrement();
        String product = shop.products.get(random.nextInt(shop.products.size()));
        String customer = shop.customers.get(random.nextInt(shop.customers.size()));
        switch (random.nextInt(4)) {
            case 0 -> adjust(product, edit, STOCK_DELTAS[random.nextInt(STOCK_DELTAS.length)]);
            case 1 -> reprice(product, 100 + 50L * random.nextInt(20));
            case 2 -> creditLimit(customer, Opening.CREDIT_LIMIT_MINOR / 2 + 100L * random.nextInt(40));
            default -> pay(customer, edit, 100 + 100L * random.nextInt(5));
        }
    }

    private void adjust(String product, int edit, int delta) {
        String id = "chaos-" + settings.seed() + "-adjustment-" + edit;
        Map<String, Object> body = Map.of("adjustmentId", id, "delta", delta, "reason", "chaos stock count");
        Optional<TillClient.Response> answer = untilAnswered(
                -1,
                "adjustment " + id,
                url -> admin.post(url + "/api/products/" + product + "/adjustments", body, Map.of()));
        answer.ifPresentOrElse(
                response -> {
                    if (response.status() == 201 || response.status() == 200) {
                        shop.adjusted.merge(product, (long) delta, Long::sum);
                        shop.count("stock adjustments applied");
                    } else if (response.status() == 409) {
                        shop.count("stock adjustments refused (409, below zero or what is held)");
                    } else {
                        shop.surprise("adjustment " + id + " answered " + response.status() + " " + response.body());
                    }
                },
                () -> shop.unanswered.add("adjustment " + id));
    }

    /** A price edit with the version just read, then the same edit again with that (now stale) version: 412. */
    private void reprice(String product, long priceMinor) {
        Optional<TillClient.Response> read =
                untilAnswered(-1, "read " + product, url -> admin.get(url + "/api/products/" + product));
        if (read.isEmpty() || read.get().status() != 200) {
            return;
        }
        JsonNode current = read.get().body();
        String etag = read.get().raw().headers().firstValue("ETag").orElseThrow();
        Map<String, Object> form = Map.of(
                "name", current.get("name").asString(),
                "priceMinor", priceMinor,
                "onHand", current.get("onHand").asLong());
        TillClient.Response edited;
        try {
            edited = admin.put(urls.inventory(0) + "/api/products/" + product, form, Map.of("If-Match", etag));
        } catch (IllegalStateException noAnswer) {
            shop.count("price edits unanswered");
            return;
        }
        if (edited.status() == 412) {
            // A sale or another edit wrote the product between the read and the edit.
            shop.count("price edits stale (412)");
            return;
        }
        if (edited.status() != 200) {
            shop.surprise("price edit of " + product + " answered " + edited.status() + " " + edited.body());
            return;
        }
        shop.count("price edits applied");
        Map<String, Object> stale = Map.of(
                "name", current.get("name").asString(), "priceMinor", priceMinor + 1, "onHand", form.get("onHand"));
        try {
            TillClient.Response again =
                    admin.put(urls.inventory(1) + "/api/products/" + product, stale, Map.of("If-Match", etag));
            if (again.status() == 412) {
                shop.count("stale price edits refused (412)");
            } else if (again.status() < 500) {
                shop.surprise("a stale If-Match " + etag + " on " + product + " was answered " + again.status());
            }
        } catch (IllegalStateException noAnswer) {
            shop.count("price edits unanswered");
        }
    }

    private void creditLimit(String customer, long limitMinor) {
        // Counted before it is sent: an edit whose answer is lost may still have been applied.
        shop.highestCreditLimit.merge(customer, limitMinor, Math::max);
        Map<String, Object> form = Map.of("name", "Customer " + customer, "creditLimitMinor", limitMinor);
        untilAnswered(
                        -2,
                        "credit limit of " + customer,
                        url -> admin.put(url + "/api/customers/" + customer, form, Map.of()))
                .ifPresent(response -> {
                    if (response.status() == 200) {
                        shop.count("credit limits changed");
                    } else {
                        shop.surprise("credit limit of " + customer + " answered " + response.status());
                    }
                });
    }

    private void pay(String customer, int edit, long amountMinor) {
        String id = "chaos-" + settings.seed() + "-payment-" + edit;
        Map<String, Object> body = Map.of("paymentId", id, "amountMinor", amountMinor);
        untilAnswered(
                        -2,
                        "payment " + id,
                        url -> admin.post(url + "/api/customers/" + customer + "/payments", body, Map.of()))
                .ifPresentOrElse(
                        response -> {
                            if (response.status() == 201 || response.status() == 200) {
                                shop.paid.merge(customer, amountMinor, Long::sum);
                                shop.count("payments recorded");
                            } else {
                                shop.surprise(
                                        "payment " + id + " answered " + response.status() + " " + response.body());
                            }
                        },
                        () -> shop.unanswered.add("payment " + id));
    }

    /**
     * Sends the request to one instance after the other until one answers other than 5xx, for at most
     * {@link #GIVE_UP_AFTER}. {@code service}: a till number (checkout-service), -1 (inventory) or -2 (ledger).
     */
    private Optional<TillClient.Response> untilAnswered(
            int service, String what, Function<String, TillClient.Response> request) {
        Instant giveUp = Instant.now().plus(GIVE_UP_AFTER);
        for (int attempt = 0; Instant.now().isBefore(giveUp); attempt++) {
            String url = switch (service) {
                case -1 -> urls.inventory(attempt);
                case -2 -> urls.ledger(attempt);
                default -> urls.checkout(service + attempt);
            };
            try {
                TillClient.Response response = request.apply(url);
                if (response.status() < 500) {
                    return Optional.of(response);
                }
            } catch (IllegalStateException noAnswer) {
                // Refused, cut or timed out: the instance is down, stopped or restarting.
            }
            shop.count("requests sent again after no answer or a 5xx");
            Pause.of(Duration.ofMillis(250));
        }
        return Optional.empty();
    }
}
