package till.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import till.contracts.catalog.MessageTypes;

/**
 * The contracts' example messages ({@code examples/<type>.json}), one per type, as a producer would put them on
 * a topic: what each service's consumer contract test feeds its real listener.
 */
public final class ContractExamples {

    private ContractExamples() {}

    /** The example of {@code type}, as JSON text. */
    public static String of(String type) {
        try (InputStream in = MessageTypes.class.getResourceAsStream("/examples/" + type + ".json")) {
            if (in == null) {
                throw new IllegalStateException("no example published for " + type);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
