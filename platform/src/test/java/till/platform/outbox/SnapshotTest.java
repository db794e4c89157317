package till.platform.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The relay's reading of {@code pg_snapshot} text agrees with PostgreSQL's {@code pg_visible_in_snapshot}. */
class SnapshotTest {

    @Test
    void transactionsBeforeXminAreVisibleAndFromXmaxOnAreNot() {
        Snapshot snapshot = Snapshot.parse("100:105:");
        assertThat(snapshot.isVisible(99)).isTrue();
        assertThat(snapshot.isVisible(104)).isTrue();
        assertThat(snapshot.isVisible(105)).isFalse();
        assertThat(snapshot.isVisible(1_000)).isFalse();
    }

    @Test
    void transactionsInProgressAreNotVisibleWhateverOrderTheyAreListedIn() {
        Snapshot snapshot = Snapshot.parse("100:110:107,100,103");
        assertThat(snapshot.isVisible(100)).isFalse();
        assertThat(snapshot.isVisible(103)).isFalse();
        assertThat(snapshot.isVisible(107)).isFalse();
        assertThat(snapshot.isVisible(101)).isTrue();
        assertThat(snapshot.isVisible(109)).isTrue();
    }

    @Test
    void sixtyFourBitTransactionIdsAreRead() {
        Snapshot snapshot = Snapshot.parse("4294967400:4294967410:4294967405");
        assertThat(snapshot.isVisible(4294967404L)).isTrue();
        assertThat(snapshot.isVisible(4294967405L)).isFalse();
    }

    @Test
    void textThatIsNotASnapshotIsRefused() {
        assertThatThrownBy(() -> Snapshot.parse("100:105")).isInstanceOf(IllegalArgumentException.class);
    }
}
