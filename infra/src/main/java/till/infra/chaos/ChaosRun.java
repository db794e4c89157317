package till.infra.chaos;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import till.infra.demo.TillClient;
import till.infra.stack.Stack;
import till.infra.stack.TillService;
import tools.jackson.databind.JsonNode;

/**
 * One chaos run against a running stack (two instances of every service, supervised): opens a shop, runs the
 * tills and the faults side by side, lets the stack heal, checks every invariant and returns the report.
 */
public final class ChaosRun {

    /** How long the stack may take, after the last fault, to finish every checkout and refund. */
    static final Duration HEAL_TIME = Duration.ofMinutes(4);

    private ChaosRun() {}

    /** The environment of the chaos stack's services: smaller pools and fewer listener threads, seven JVMs on a laptop. */
    public static final Map<String, String> SERVICE_ENV = Map.of(
            "CHECKOUT_DB_POOL", "8",
            "INVENTORY_DB_POOL", "8",
            "LEDGER_DB_POOL", "8",
            "CHECKOUT_LISTENER_CONCURRENCY", "2",
            "INVENTORY_LISTENER_CONCURRENCY", "2",
            "LEDGER_LISTENER_CONCURRENCY", "2");

    public static Report run(Stack stack, Settings settings, Consumer<String> say) {
        Random random = new Random(settings.seed());
        Urls urls = Urls.of(stack);
        Shop shop = Opening.open(settings, urls, random, stack.credentials().admin());
        say.accept("shop open: " + shop.products.size() + " products with "
                + shop.initialStock.values().stream()
                        .mapToInt(Integer::intValue)
                        .sum() + " units, " + shop.customers.size() + " customers with "
                + Opening.CREDIT_LIMIT_MINOR + " credit each");
        KafkaConsole console = new KafkaConsole(
                stack.kafkaClientConfig(), stack.options().workDir().resolve("logs"));
        Faults faults = new Faults(stack, shop, random, console, say);

        Instant started = Instant.now();
        say.accept(settings.tills() + " tills selling " + settings.checkouts() + " times over " + settings.minutes()
                + " min, faults on the schedule of seed " + settings.seed());
        // A thread of its own: the common pool (one thread on two cores) runs the JDK's process-exit callbacks, which
        // the supervisor needs to hear of a killed instance.
        try (ExecutorService loadThread = Executors.newSingleThreadExecutor()) {
            CompletableFuture<Void> load =
                    CompletableFuture.runAsync(new Tills(settings, shop, urls, stack.credentials())::run, loadThread);
            faults.run(() -> !load.isDone());
            load.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the tills failed", e.getCause());
        }
        Duration loaded = Duration.between(started, Instant.now());
        say.accept("load and faults done after " + loaded.toSeconds() + " s; letting the stack heal ...");

        Checks checks = new Checks();
        try (TillClient client = new TillClient(stack.credentials().admin(), Tills.REQUEST_TIMEOUT.multipliedBy(2));
                TillClient cashier =
                        new TillClient(stack.credentials().cashier(), Tills.REQUEST_TIMEOUT.multipliedBy(2))) {
            awaitEveryInstanceUp(stack, client);
            Books books = Books.read(shop, urls, client, HEAL_TIME);
            say.accept("healed after "
                    + Duration.between(started, Instant.now()).minus(loaded).toSeconds() + " s; checking ...");
            checks.tills(shop);
            // Each sale's key posted again, as its till would: as the cashier.
            checks.checkouts(shop, books, urls, cashier);
            checks.stock(shop, books);
            checks.ledger(shop, books);
            checks.topics(books, console);
            checks.deadLetters(shop, console);
            checks.inside(urls, client);
            return new Report(
                    settings, outcomes(books), shop, faults.injected(), checks.checked(), checks.violations());
        }
    }

    private static Map<String, Integer> outcomes(Books books) {
        Map<String, Integer> outcomes = new TreeMap<>();
        for (JsonNode checkout : books.checkouts.values()) {
            String reason = checkout.path("reason").asString("");
            outcomes.merge(checkout.get("status").asString() + (reason.isEmpty() ? "" : " " + reason), 1, Integer::sum);
        }
        return outcomes;
    }

    /** Every killed instance restarted by the supervisor and healthy again; bounded, then the checks say what is not. */
    private static void awaitEveryInstanceUp(Stack stack, TillClient client) {
        Instant giveUp = Instant.now().plus(Duration.ofMinutes(5));
        for (TillService instance : stack.allServices()) {
            while (Instant.now().isBefore(giveUp) && !healthy(instance, client)) {
                Pause.of(Duration.ofSeconds(1));
            }
        }
    }

    private static boolean healthy(TillService instance, TillClient client) {
        try {
            return instance.alive()
                    && client.get(instance.url() + "/actuator/health").status() == 200;
        } catch (IllegalStateException noAnswer) {
            return false;
        }
    }
}
