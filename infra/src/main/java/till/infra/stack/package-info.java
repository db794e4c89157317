/** The embedded stack: PostgreSQL, a KRaft Kafka broker, the topics and the three services as separate JVMs. */
@NullMarked
package till.infra.stack;

import org.jspecify.annotations.NullMarked;
