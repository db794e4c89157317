package till.platform.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * SHA-256 and a constant-time comparison instead of bcrypt. bcrypt is slow on purpose, to protect weak
 * passwords whose hashes leak from a store; here the hashes live only in the service's memory and every request
 * carries its password (HTTP Basic), so bcrypt would cost tens of milliseconds of CPU on every sale and nothing
 * else. {@link Credentials} requires long passwords, which a fast hash does not make guessable.
 */
final class Sha256Passwords implements PasswordEncoder {

    @Override
    public String encode(@Nullable CharSequence raw) {
        return HexFormat.of().formatHex(sha256(raw));
    }

    @Override
    public boolean matches(@Nullable CharSequence raw, @Nullable String encoded) {
        if (raw == null || encoded == null) {
            return false;
        }
        byte[] expected;
        try {
            expected = HexFormat.of().parseHex(encoded);
        } catch (IllegalArgumentException notOurs) {
            return false;
        }
        return MessageDigest.isEqual(sha256(raw), expected);
    }

    private static byte[] sha256(@Nullable CharSequence raw) {
        try {
            return MessageDigest.getInstance("SHA-256")
                    .digest(String.valueOf(raw).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
