/** What every Till service shares: messages, outbox, inbox, dead letters, problem+json, invariants. */
@NullMarked
package till.platform;

import org.jspecify.annotations.NullMarked;
