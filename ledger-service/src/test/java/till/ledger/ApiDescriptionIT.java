package till.ledger;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import till.testsupport.ApiDocs;

/** The OpenAPI 3 description at {@code /v3/api-docs} has the SPEC's ledger paths, errors as problem+json. */
class ApiDescriptionIT extends LedgerIntegrationTest {

    @LocalServerPort
    int port;

    @Test
    void describesTheSpecsPaths() {
        ApiDocs.assertDescribes(
                "http://localhost:" + port,
                Map.of(
                        "/api/customers/{customerId}", Set.of("get", "put"),
                        "/api/customers/{customerId}/entries", Set.of("get"),
                        "/api/customers/{customerId}/payments", Set.of("post")));
    }
}
