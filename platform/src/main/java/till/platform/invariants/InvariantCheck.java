package till.platform.invariants;

import java.util.List;
import java.util.function.Supplier;

/**
 * One of the SPEC's invariants as a service can check it against its own data. Each service declares its checks as
 * {@code @Bean} methods of one {@code @Configuration} in its {@code invariants} package, each made with {@link #of}.
 */
public interface InvariantCheck {

    /** What is checked, in a sentence, e.g. "available = onHand - reserved >= 0 for every product". */
    String description();

    /** Every violation found, each naming the row; empty when sound. */
    List<String> violations();

    /** A check that finds its violations by asking {@code violations}, typically one query. */
    static InvariantCheck of(String description, Supplier<List<String>> violations) {
        record Check(String description, Supplier<List<String>> finder) implements InvariantCheck {
            @Override
            public List<String> violations() {
                return finder.get();
            }
        }
        return new Check(description, violations);
    }
}
