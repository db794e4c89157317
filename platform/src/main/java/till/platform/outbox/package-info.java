/** The transactional outbox: messages written with the state change that implies them, and the relay that publishes them. */
@NullMarked
package till.platform.outbox;

import org.jspecify.annotations.NullMarked;
