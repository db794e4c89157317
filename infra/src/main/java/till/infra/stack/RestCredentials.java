package till.infra.stack;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import till.platform.security.Credentials;

/**
 * The stack's REST identities: random passwords made on the first start on a data directory and kept in its
 * {@code rest-credentials} file (readable by its owner only), so a restart, a crash or a till's saved settings
 * keep working until {@code --fresh} deletes the directory.
 */
final class RestCredentials {

    static final String FILE = "rest-credentials";

    private static final SecureRandom RANDOM = new SecureRandom();

    private RestCredentials() {}

    static Credentials loadOrCreate(Path workDir) {
        Path file = workDir.resolve(FILE);
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(workDir);
                PrivateFiles.replaceProperties(
                        file,
                        environment(new Credentials(
                                new Credentials.Account("admin", randomPassword()),
                                new Credentials.Account("cashier", randomPassword()))),
                        "Till's REST identities for the stack on this directory (docs/SPEC.md, Security)");
            }
            Properties saved = new Properties();
            try (Reader in = Files.newBufferedReader(file)) {
                saved.load(in);
            }
            return new Credentials(
                    new Credentials.Account(
                            saved.getProperty("TILL_ADMIN_USER"), saved.getProperty("TILL_ADMIN_PASSWORD")),
                    new Credentials.Account(
                            saved.getProperty("TILL_CASHIER_USER"), saved.getProperty("TILL_CASHIER_PASSWORD")));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read or create " + file, e);
        }
    }

    /** The environment variables the services read them from, which {@code .stack/env} repeats. */
    static Map<String, String> environment(Credentials credentials) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("TILL_ADMIN_USER", credentials.admin().user());
        env.put("TILL_ADMIN_PASSWORD", credentials.admin().password());
        env.put("TILL_CASHIER_USER", credentials.cashier().user());
        env.put("TILL_CASHIER_PASSWORD", credentials.cashier().password());
        return env;
    }

    private static String randomPassword() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
