package till.checkout.outcome;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How {@code Prefer: wait} is read: RFC 7240's syntax, its "ignore what you do not understand", and the cap. */
class PreferWaitTest {

    private static Optional<Duration> waitOf(String... headers) {
        return PreferWait.from(List.of(headers)).map(PreferWait::duration);
    }

    @Test
    void aWholeNumberOfSecondsIsTheWait() {
        assertThat(waitOf("wait=10")).contains(Duration.ofSeconds(10));
        assertThat(waitOf("wait=0")).contains(Duration.ZERO);
        assertThat(waitOf(" WAIT = 7 ")).contains(Duration.ofSeconds(7));
        assertThat(waitOf("wait=\"5\"")).contains(Duration.ofSeconds(5));
    }

    @Test
    void waitIsFoundAmongOtherPreferencesAndHeadersAndOnlyTheFirstCounts() {
        assertThat(waitOf("respond-async, wait=3")).contains(Duration.ofSeconds(3));
        assertThat(waitOf("return=minimal", "wait=4;foo=bar")).contains(Duration.ofSeconds(4));
        assertThat(waitOf("wait=2, wait=9")).contains(Duration.ofSeconds(2));
    }

    @Test
    void moreThanThirtySecondsIsCappedAndSaysSo() {
        PreferWait capped = PreferWait.from(List.of("wait=300")).orElseThrow();

        assertThat(capped.duration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(capped.applied()).isEqualTo("wait=30");
        assertThat(waitOf("wait=99999999999999999999")).contains(Duration.ofSeconds(30));
    }

    @Test
    void whatIsNotAWholeNumberOfSecondsIsIgnoredAsIfNotSent() {
        assertThat(waitOf("wait=-1")).isEmpty();
        assertThat(waitOf("wait=1.5")).isEmpty();
        assertThat(waitOf("wait=soon")).isEmpty();
        assertThat(waitOf("wait=")).isEmpty();
        assertThat(waitOf("wait")).isEmpty();
        assertThat(waitOf("respond-async")).isEmpty();
        assertThat(waitOf("waiting=5")).isEmpty();
        assertThat(waitOf()).isEmpty();
    }
}
