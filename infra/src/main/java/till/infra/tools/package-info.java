/** Kafka's own console tools against the running stack. */
@NullMarked
package till.infra.tools;

import org.jspecify.annotations.NullMarked;
