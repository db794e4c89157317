package till.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** A seed gives the same cases every time, so a failure printed with its seed replays; the mutations all occur. */
class HostileJsonTest {

    private static final String EXAMPLE = HostileJson.contractExamples().getFirst();

    @Test
    void theSameSeedGivesTheSameCasesAndAnotherSeedOthers() {
        assertThat(cases(42L)).isEqualTo(cases(42L)).isNotEqualTo(cases(43L));
    }

    @Test
    void everyKindOfMutationOccursWithinAThousandCases() {
        Set<String> kinds = new TreeSet<>();
        HostileJson hostile = new HostileJson(7L);
        for (int i = 0; i < 1000; i++) {
            kinds.add(hostile.mutated(EXAMPLE).how());
        }
        assertThat(String.join("|", kinds))
                .contains(
                        "unchanged",
                        "truncated at",
                        "flipped",
                        "replaced by another document",
                        "dropped",
                        "renamed to",
                        "given another type",
                        "given an odd number",
                        "given odd text",
                        "nested deep",
                        "huge",
                        "given any value");
    }

    private static List<String> cases(long seed) {
        List<String> cases = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            HostileJson hostile = new HostileJson(seed ^ i);
            cases.add(hostile.mutated(EXAMPLE).text() + hostile.document());
        }
        return cases;
    }
}
