package till.checkout.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestFingerprintTest {

    private static final List<Map.Entry<String, Integer>> SALE = List.of(Map.entry("p-1", 2), Map.entry("p-2", 1));

    @Test
    void theSameLinesInAnotherOrderAreTheSameRequest() {
        assertThat(RequestFingerprint.of("c-1", List.of(Map.entry("p-2", 1), Map.entry("p-1", 2))))
                .isEqualTo(RequestFingerprint.of("c-1", SALE));
    }

    @Test
    void anotherQuantityProductOrSubjectIsAnotherRequest() {
        String sale = RequestFingerprint.of("c-1", SALE);
        assertThat(RequestFingerprint.of("c-1", List.of(Map.entry("p-1", 3), Map.entry("p-2", 1))))
                .isNotEqualTo(sale);
        assertThat(RequestFingerprint.of("c-1", List.of(Map.entry("p-1", 2), Map.entry("p-3", 1))))
                .isNotEqualTo(sale);
        assertThat(RequestFingerprint.of("c-2", SALE)).isNotEqualTo(sale);
        assertThat(RequestFingerprint.of("c-1", List.of(Map.entry("p-1", 2)))).isNotEqualTo(sale);
    }

    @Test
    void aFieldCannotBleedIntoTheNext() {
        // "p-1\t12" must not read like "p-11\t2": the separators keep product and quantity apart.
        assertThat(RequestFingerprint.of("c", List.of(Map.entry("p-1", 12))))
                .isNotEqualTo(RequestFingerprint.of("c", List.of(Map.entry("p-11", 2))));
    }
}
