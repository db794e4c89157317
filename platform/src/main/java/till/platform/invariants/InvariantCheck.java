package till.platform.invariants;

import java.util.List;

/** One of the SPEC's invariants as a service can check it against its own data. */
public interface InvariantCheck {

    /** What is checked, in a sentence, e.g. "available = onHand - reserved >= 0 for every product". */
    String description();

    /** Every violation found, each naming the row; empty when sound. */
    List<String> violations();
}
