package till.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import till.infra.demo.TillClient;
import tools.jackson.databind.JsonNode;

/**
 * 50 tills press "Complete sale" for the last unit at once, each with {@code Prefer: wait=10}: each answer carries
 * the sale's outcome, with no polling, through the whole stack (checkout-service woken by PostgreSQL's NOTIFY).
 */
class FiftyTillsWaitingForTheLastUnitIT extends StackTest {

    private static final int TILLS = 50;
    private static final int WAIT_SECONDS = 10;

    @Test
    void fiftyTillsGetOneConfirmationAndFortyNineOutOfStockRejectionsInTheirAnswers() throws Exception {
        String product = product(49_900, 1);
        List<String> customers = new ArrayList<>();
        for (int i = 0; i < TILLS; i++) {
            customers.add(customer(1_000_000));
        }

        CountDownLatch go = new CountDownLatch(1);
        List<Future<TillClient.Response>> sales = new ArrayList<>();
        try (ExecutorService tills = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String customer : customers) {
                sales.add(tills.submit(() -> {
                    go.await();
                    return cashier.postWaiting(
                            checkout + "/api/checkouts",
                            Map.of(
                                    "customerId",
                                    customer,
                                    "lines",
                                    List.of(Map.of("productId", product, "quantity", 1))),
                            Map.of("Idempotency-Key", UUID.randomUUID().toString()),
                            WAIT_SECONDS);
                }));
            }
            go.countDown();

            Map<String, Integer> answers = new TreeMap<>();
            for (Future<TillClient.Response> sale : sales) {
                TillClient.Response answer = sale.get(WAIT_SECONDS + 60, TimeUnit.SECONDS);
                JsonNode body = answer.body();
                assertThat(answer.raw().headers().firstValue("Preference-Applied"))
                        .as(body.toString())
                        .hasValue("wait=" + WAIT_SECONDS);
                String outcome = body.get("status").asString()
                        + (body.hasNonNull("reason") ? " " + body.get("reason").asString() : "");
                answers.merge(answer.status() + " " + outcome, 1, Integer::sum);
            }

            assertThat(answers)
                    .containsExactlyInAnyOrderEntriesOf(
                            Map.of("200 CONFIRMED", 1, "200 REJECTED OUT_OF_STOCK", TILLS - 1));
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode stock = stock(product);
            assertThat(stock.get("onHand").asLong()).isZero();
            assertThat(stock.get("reserved").asLong()).isZero();
        });
        // The losers' charges, made with their reservations (ADR 10), are reversed after their rejections.
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(
                                customers.stream().mapToLong(this::balance).sum())
                        .isEqualTo(49_900));
    }
}
