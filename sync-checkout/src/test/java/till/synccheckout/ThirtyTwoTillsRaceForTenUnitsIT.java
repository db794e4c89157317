package till.synccheckout;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import till.testsupport.TestInfrastructure;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The baseline is only a baseline if it is correct: 32 tills at once for the last 10 units sell exactly 10. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ThirtyTwoTillsRaceForTenUnitsIT {

    private static final String JDBC_URL = TestInfrastructure.newDatabase("synccheckout");
    private static final int TILLS = 32;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> JDBC_URL);
        registry.add("spring.datasource.username", TestInfrastructure::username);
        registry.add("spring.datasource.password", TestInfrastructure::password);
    }

    private final JsonMapper json = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Test
    void exactlyTenAreConfirmedAndTheRestAreOutOfStock() throws Exception {
        String product = "last-ten-" + UUID.randomUUID();
        String customer = "regular-" + UUID.randomUUID();
        put("/api/products/" + product, Map.of("name", "Last ten", "priceMinor", 250, "onHand", 10));
        put("/api/customers/" + customer, Map.of("name", "A regular", "creditLimitMinor", 1_000_000));

        CountDownLatch go = new CountDownLatch(1);
        List<Future<JsonNode>> answers = new ArrayList<>();
        try (ExecutorService tills = Executors.newFixedThreadPool(TILLS)) {
            for (int i = 0; i < TILLS; i++) {
                answers.add(tills.submit(() -> {
                    go.await();
                    return sell(customer, product);
                }));
            }
            go.countDown();
            List<JsonNode> sales = new ArrayList<>();
            for (Future<JsonNode> answer : answers) {
                sales.add(answer.get(60, TimeUnit.SECONDS));
            }

            Map<String, Long> outcomes = sales.stream()
                    .collect(Collectors.groupingBy(
                            sale -> sale.get("status").asString() + " "
                                    + sale.path("reason").asString(""),
                            Collectors.counting()));
            assertThat(outcomes).isEqualTo(Map.of("CONFIRMED ", 10L, "REJECTED OUT_OF_STOCK", 22L));
        }

        assertThat(jdbc.sql("SELECT on_hand FROM products WHERE product_id = ?")
                        .param(product)
                        .query(Long.class)
                        .single())
                .isZero();
        assertThat(jdbc.sql("SELECT sum(quantity) FROM order_lines WHERE product_id = ?")
                        .param(product)
                        .query(Long.class)
                        .single())
                .isEqualTo(10);
        Map<String, Long> ledger = jdbc.sql("""
                        SELECT c.balance_minor, (SELECT sum(amount_minor) FROM ledger_entries e
                                                 WHERE e.customer_id = c.customer_id) AS entries
                        FROM customers c WHERE c.customer_id = ?
                        """)
                .param(customer)
                .query((rs, n) -> Map.of("balance", rs.getLong(1), "entries", rs.getLong(2)))
                .single();
        assertThat(ledger)
                .as("one charge per confirmed sale, and the balance is their sum")
                .isEqualTo(Map.of("balance", 2_500L, "entries", 2_500L));
    }

    @Test
    void theSameIdempotencyKeyAnswersTheFirstSaleAndSellsNothingMore() throws Exception {
        String product = "keyed-" + UUID.randomUUID();
        String customer = "keyed-" + UUID.randomUUID();
        put("/api/products/" + product, Map.of("name", "Keyed", "priceMinor", 100, "onHand", 5));
        put("/api/customers/" + customer, Map.of("name", "Keyed", "creditLimitMinor", 1_000));
        String key = UUID.randomUUID().toString();

        JsonNode first = sell(customer, product, key);
        JsonNode again = sell(customer, product, key);

        assertThat(first.get("status").asString()).isEqualTo("CONFIRMED");
        assertThat(again.get("orderId")).isEqualTo(first.get("orderId"));
        assertThat(jdbc.sql("SELECT on_hand FROM products WHERE product_id = ?")
                        .param(product)
                        .query(Long.class)
                        .single())
                .isEqualTo(4);
    }

    private JsonNode sell(String customer, String product) throws Exception {
        return sell(customer, product, UUID.randomUUID().toString());
    }

    private JsonNode sell(String customer, String product, String key) throws Exception {
        Map<String, Object> sale =
                Map.of("customerId", customer, "lines", List.of(Map.of("productId", product, "quantity", 1)));
        return send(request("/api/sales").header("Idempotency-Key", key).POST(body(sale)));
    }

    private void put(String path, Map<String, Object> body) throws Exception {
        send(request(path).PUT(body(body)));
    }

    /** Every call here must succeed with 200: a rejected sale is a 200 too, with its reason. */
    private JsonNode send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json");
    }

    private HttpRequest.BodyPublisher body(Object body) {
        return HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body));
    }
}
