package till.testsupport;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The REST identities of every service a test starts, in-process or as a JVM of its own: new random passwords per
 * test JVM, so none is written in code. {@link TestInfrastructure#register} hands them to Spring Boot tests,
 * {@link ChildJvm} to the processes it starts; tests sign their requests with {@link Account#sign}.
 */
public final class TestCredentials {

    /** A user and password, and what a client sends for them. */
    public record Account(String user, String password) {

        /** The {@code Authorization} header's value (HTTP Basic). */
        public String authorization() {
            return "Basic "
                    + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        }

        /** {@code request} with this account's credentials. */
        public HttpRequest.Builder sign(HttpRequest.Builder request) {
            return request.header("Authorization", authorization());
        }
    }

    private static final Account ADMIN = new Account("test-admin", randomPassword());
    private static final Account CASHIER = new Account("test-cashier", randomPassword());

    private TestCredentials() {}

    public static Account admin() {
        return ADMIN;
    }

    public static Account cashier() {
        return CASHIER;
    }

    /** A user no service knows, for the 401 of wrong credentials. */
    public static Account stranger() {
        return new Account("stranger", randomPassword());
    }

    /** The environment variables a service reads its identities from (docs/SPEC.md, Security). */
    public static Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("TILL_ADMIN_USER", ADMIN.user());
        env.put("TILL_ADMIN_PASSWORD", ADMIN.password());
        env.put("TILL_CASHIER_USER", CASHIER.user());
        env.put("TILL_CASHIER_PASSWORD", CASHIER.password());
        return env;
    }

    /** The same, as the properties a Spring Boot test sets ({@code @DynamicPropertySource}). */
    public static void register(DynamicPropertyRegistry registry) {
        registry.add("till.security.admin.user", ADMIN::user);
        registry.add("till.security.admin.password", ADMIN::password);
        registry.add("till.security.cashier.user", CASHIER::user);
        registry.add("till.security.cashier.password", CASHIER::password);
    }

    private static String randomPassword() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
