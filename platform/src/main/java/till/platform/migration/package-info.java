/** The platform's own tables (outbox, inbox), migrated before each service's, with a history of their own. */
@NullMarked
package till.platform.migration;

import org.jspecify.annotations.NullMarked;
