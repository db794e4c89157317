package till.ledger.customer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;
import till.ledger.LedgerIntegrationTest;
import till.testsupport.TestCredentials;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The REST API of the SPEC, through HTTP. */
class CustomerApiIT extends LedgerIntegrationTest {

    @Value("${local.server.port}")
    int port;

    @Autowired
    JsonMapper mapper;

    RestClient http;

    @BeforeEach
    void client() {
        http = RestClient.builder()
                .baseUrl("http://localhost:" + port)
                .defaultHeader("Authorization", TestCredentials.admin().authorization())
                .defaultStatusHandler(HttpStatusCode::isError, (request, response) -> {})
                .build();
    }

    @Test
    void aCustomerIsCreatedUpdatedAndRead() {
        String id = "api-" + UUID.randomUUID();

        Answer created = put("/api/customers/" + id, "{\"name\":\"Ada\",\"creditLimitMinor\":5000}");
        assertThat(created.status()).isEqualTo(HttpStatus.CREATED);
        assertThat(created.body().get("customerId").asString()).isEqualTo(id);

        Answer updated = put("/api/customers/" + id, "{\"name\":\"Ada L.\",\"creditLimitMinor\":7000}");
        assertThat(updated.status()).isEqualTo(HttpStatus.OK);

        ledger.charge(id, id + "-checkout", 1200);
        Answer read = get("/api/customers/" + id);
        assertThat(read.status()).isEqualTo(HttpStatus.OK);
        assertThat(read.body().get("name").asString()).isEqualTo("Ada L.");
        assertThat(read.body().get("creditLimitMinor").asLong()).isEqualTo(7000);
        assertThat(read.body().get("balanceMinor").asLong()).isEqualTo(1200);
        assertThat(read.body().get("entryCount").asLong()).isEqualTo(1);
    }

    @Test
    void anUnknownCustomerIsA404Problem() {
        Answer answer = get("/api/customers/nobody-" + UUID.randomUUID());
        assertThat(answer.status()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(answer.contentType()).isEqualTo("application/problem+json");
        assertThat(answer.body().get("status").asInt()).isEqualTo(404);

        Answer payment = post(
                "/api/customers/nobody-" + UUID.randomUUID() + "/payments",
                "{\"paymentId\":\"p-1\",\"amountMinor\":100}");
        assertThat(payment.status()).isEqualTo(HttpStatus.NOT_FOUND);
    }

    @Test
    void invalidCustomersAre400ProblemsNamingTheField() {
        String id = "api-" + UUID.randomUUID();
        assertThat(put("/api/customers/" + id, "{\"name\":\"Ada\",\"creditLimitMinor\":-1}"))
                .satisfies(a -> assertBadRequestNaming(a, "creditLimitMinor"));
        assertThat(put("/api/customers/" + id, "{\"creditLimitMinor\":10}"))
                .satisfies(a -> assertBadRequestNaming(a, "name"));
        assertThat(put("/api/customers/" + id, "{\"name\":\"Ada\",\"creditLimitMinor\":\"lots\"}"))
                .satisfies(a -> assertBadRequestNaming(a, "creditLimitMinor"));
        assertThat(get("/api/customers/" + id).status()).isEqualTo(HttpStatus.NOT_FOUND);
    }

    @Test
    void paymentsAreIdempotentOnTheirIdAndLowerTheBalance() {
        String id = newCustomer(1_000);
        ledger.charge(id, id + "-checkout", 800);

        Answer first =
                post("/api/customers/" + id + "/payments", "{\"paymentId\":\"" + id + "-p\",\"amountMinor\":300}");
        Answer again =
                post("/api/customers/" + id + "/payments", "{\"paymentId\":\"" + id + "-p\",\"amountMinor\":300}");
        Answer different =
                post("/api/customers/" + id + "/payments", "{\"paymentId\":\"" + id + "-p\",\"amountMinor\":301}");

        assertThat(first.status()).isEqualTo(HttpStatus.CREATED);
        assertThat(first.body().get("balanceAfterMinor").asLong()).isEqualTo(500);
        assertThat(again.status()).isEqualTo(HttpStatus.OK);
        assertThat(again.body().get("balanceAfterMinor").asLong()).isEqualTo(500);
        assertThat(different.status()).isEqualTo(HttpStatus.CONFLICT);
        assertThat(balance(id)).isEqualTo(500);
        assertThat(entries(id)).hasSize(2);
    }

    @Test
    void invalidPaymentsAre400ProblemsNamingTheField() {
        String id = newCustomer(1_000);
        assertThat(post("/api/customers/" + id + "/payments", "{\"paymentId\":\"x\",\"amountMinor\":0}"))
                .satisfies(a -> assertBadRequestNaming(a, "amountMinor"));
        assertThat(post("/api/customers/" + id + "/payments", "{\"paymentId\":\"x\"}"))
                .satisfies(a -> assertBadRequestNaming(a, "amountMinor"));
        assertThat(post("/api/customers/" + id + "/payments", "{\"amountMinor\":10}"))
                .satisfies(a -> assertBadRequestNaming(a, "paymentId"));
        assertThat(entries(id)).isEmpty();
    }

    @Test
    void entriesArePagedOldestFirst() {
        String id = newCustomer(10_000);
        for (int i = 1; i <= 5; i++) {
            ledger.charge(id, id + "-checkout-" + i, i * 100L);
        }
        ledger.pay(id, id + "-payment", 250);

        Answer page0 = get("/api/customers/" + id + "/entries?page=0&size=4");
        Answer page1 = get("/api/customers/" + id + "/entries?page=1&size=4");

        assertThat(page0.status()).isEqualTo(HttpStatus.OK);
        assertThat(page0.body().get("totalEntries").asLong()).isEqualTo(6);
        JsonNode first = page0.body().get("entries");
        assertThat(first.size()).isEqualTo(4);
        assertThat(first.get(0).get("kind").asString()).isEqualTo("SALE");
        assertThat(first.get(0).get("amountMinor").asLong()).isEqualTo(100);
        assertThat(first.get(0).get("balanceAfterMinor").asLong()).isEqualTo(100);
        assertThat(first.get(0).get("reference").asString()).isEqualTo(id + "-checkout-1");
        assertThat(first.get(0).has("createdAt")).isTrue();
        JsonNode second = page1.body().get("entries");
        assertThat(second.size()).isEqualTo(2);
        assertThat(second.get(1).get("kind").asString()).isEqualTo("PAYMENT");
        assertThat(second.get(1).get("amountMinor").asLong()).isEqualTo(-250);
        assertThat(second.get(1).get("balanceAfterMinor").asLong()).isEqualTo(1_250);

        assertThat(get("/api/customers/" + id + "/entries?page=-1")).satisfies(a -> assertBadRequestNaming(a, "page"));
        assertThat(get("/api/customers/" + id + "/entries?size=0")).satisfies(a -> assertBadRequestNaming(a, "size"));
        assertThat(get("/api/customers/" + id + "/entries?size=501")).satisfies(a -> assertBadRequestNaming(a, "size"));
        assertThat(get("/api/customers/" + id + "/entries?size=many"))
                .satisfies(a -> assertBadRequestNaming(a, "size"));
        assertThat(get("/api/customers/nobody-" + UUID.randomUUID() + "/entries")
                        .status())
                .isEqualTo(HttpStatus.NOT_FOUND);
    }

    @Test
    void theInvariantsReportIsServed() {
        Answer answer = get("/actuator/invariants");
        assertThat(answer.status()).isEqualTo(HttpStatus.OK);
        assertThat(answer.body().get("checked").size()).isEqualTo(3);
        assertThat(answer.body().get("sound").asBoolean()).isTrue();
    }

    private void assertBadRequestNaming(Answer answer, String field) {
        assertThat(answer.status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(answer.contentType()).isEqualTo("application/problem+json");
        assertThat(answer.body()
                        .get("errors")
                        .valueStream()
                        .map(e -> e.get("field").asString()))
                .contains(field);
    }

    record Answer(HttpStatusCode status, String contentType, JsonNode body) {}

    private Answer get(String path) {
        return answer(http.get().uri(path).retrieve().toEntity(String.class));
    }

    private Answer put(String path, String json) {
        return answer(http.put()
                .uri(path)
                .contentType(MediaType.APPLICATION_JSON)
                .body(json)
                .retrieve()
                .toEntity(String.class));
    }

    private Answer post(String path, String json) {
        return answer(http.post()
                .uri(path)
                .contentType(MediaType.APPLICATION_JSON)
                .body(json)
                .retrieve()
                .toEntity(String.class));
    }

    private Answer answer(ResponseEntity<String> response) {
        MediaType type = response.getHeaders().getContentType();
        return new Answer(
                response.getStatusCode(),
                type == null ? "" : type.getType() + "/" + type.getSubtype(),
                mapper.readTree(response.getBody() == null ? "{}" : response.getBody()));
    }
}
