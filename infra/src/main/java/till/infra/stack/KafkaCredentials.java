package till.infra.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The broker's identities and their passwords: the operator (a super user: {@code ./run kafka}, the replay tool,
 * the stack creating topics and ACLs, tests' readers), the broker itself (a super user, between its own listeners),
 * and one per service (only what {@link KafkaAcls} grants it). Generated once, beside the broker's log, and kept
 * as long as that log is: a new start on the same data logs in with the same passwords.
 */
final class KafkaCredentials {

    static final String OPERATOR = "operator";
    static final String BROKER = "broker";

    private final Properties passwords;

    private KafkaCredentials(Properties passwords) {
        this.passwords = passwords;
    }

    /** The passwords a {@link #save} wrote. */
    static KafkaCredentials load(Path file) {
        Properties passwords = new Properties();
        try (var in = Files.newBufferedReader(file)) {
            passwords.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the Kafka credentials in " + file, e);
        }
        return new KafkaCredentials(passwords);
    }

    /** New random passwords for every identity. */
    static KafkaCredentials generate() {
        SecureRandom random = new SecureRandom();
        Properties passwords = new Properties();
        for (String user : users().toList()) {
            byte[] secret = new byte[20];
            random.nextBytes(secret);
            passwords.setProperty(user, HexFormat.of().formatHex(secret));
        }
        return new KafkaCredentials(passwords);
    }

    /** Writes them to the file (readable by its owner only), whole or not at all. */
    void save(Path file) {
        PrivateFiles.replaceProperties(file, passwords, "Till stack: the Kafka broker's SCRAM passwords");
    }

    private static Stream<String> users() {
        return Stream.concat(
                Stream.of(OPERATOR, BROKER),
                Stream.of(TillService.Name.values()).map(TillService.Name::id));
    }

    KafkaLogin operator() {
        return login(OPERATOR);
    }

    KafkaLogin broker() {
        return login(BROKER);
    }

    KafkaLogin service(TillService.Name name) {
        return login(name.id());
    }

    List<KafkaLogin> all() {
        return users().map(this::login).toList();
    }

    private KafkaLogin login(String user) {
        String password = passwords.getProperty(user);
        if (password == null) {
            throw new IllegalStateException("no Kafka password for " + user + " in the stack's credentials");
        }
        return new KafkaLogin(user, password);
    }
}
