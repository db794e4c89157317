/** {@code ./run chaos}: two instances of every service under sales, refunds and admin edits, and seeded faults. */
@NullMarked
package till.infra.chaos;

import org.jspecify.annotations.NullMarked;
