/**
 * What the tests of every module share: one broker and one PostgreSQL per test JVM, topic reading, statement
 * counting, the architecture rules, the message schemas and child JVMs.
 */
@NullMarked
package till.testsupport;

import org.jspecify.annotations.NullMarked;
