package till.platform.security;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The two REST identities, {@code till.security.*}, which {@code defaults.properties} takes from the environment
 * ({@code TILL_ADMIN_USER}, {@code TILL_ADMIN_PASSWORD}, {@code TILL_CASHIER_USER}, {@code TILL_CASHIER_PASSWORD}).
 * A service without them stops at start naming the variable: nothing secret lives in code, and a service that
 * started anyway would either be open to anyone or refuse every till.
 */
@ConfigurationProperties("till.security")
public record Credentials(Account admin, Account cashier) {

    /** Passwords are checked with a fast hash ({@link Sha256Passwords}), which is sound only for long ones. */
    public static final int MIN_PASSWORD_LENGTH = 16;

    /** The components are null only as bound from a missing variable, which the constructor refuses. */
    public record Account(String user, String password) {

        /** The {@code Authorization} header's value that a client sends for this account (HTTP Basic). */
        public String authorization() {
            return "Basic "
                    + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        }
    }

    public Credentials(@Nullable Account admin, @Nullable Account cashier) {
        this.admin = checked(admin, "ADMIN");
        this.cashier = checked(cashier, "CASHIER");
        if (this.admin.user().equals(this.cashier.user())) {
            throw new IllegalArgumentException(
                    "TILL_ADMIN_USER and TILL_CASHIER_USER are both '" + this.admin.user() + "': they must differ");
        }
    }

    private static Account checked(@Nullable Account account, String role) {
        @Nullable String user = account == null ? null : account.user();
        @Nullable String password = account == null ? null : account.password();
        if (user == null || user.isBlank()) {
            throw new IllegalArgumentException("TILL_" + role + "_USER is not set: every Till service needs "
                    + "TILL_ADMIN_USER, TILL_ADMIN_PASSWORD, TILL_CASHIER_USER and TILL_CASHIER_PASSWORD "
                    + "(./run stack writes them to .stack/env)");
        }
        if (password == null || password.length() < MIN_PASSWORD_LENGTH) {
            throw new IllegalArgumentException("TILL_" + role + "_PASSWORD is "
                    + (password == null || password.isEmpty() ? "not set" : "shorter than " + MIN_PASSWORD_LENGTH)
                    + ": it must have at least " + MIN_PASSWORD_LENGTH + " characters");
        }
        return new Account(user, password);
    }
}
