package till.checkout.idempotency;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * What makes two requests under one {@code Idempotency-Key} the same request, as a SHA-256 hex string stored beside
 * the key: who they are for and their lines, in any order. A till that sends the same sale again with its lines in
 * another order is retrying it, not reusing the key for a different sale; one that changes a product or a quantity
 * is refused (409).
 */
public final class RequestFingerprint {

    private static final Comparator<Map.Entry<String, Integer>> BY_PRODUCT_THEN_QUANTITY =
            Map.Entry.<String, Integer>comparingByKey().thenComparing(Map.Entry.comparingByValue());

    private RequestFingerprint() {}

    /**
     * @param subject whom the request is for (a checkout's customer, a refund's checkout)
     * @param lines product id and quantity of each line
     */
    public static String of(String subject, List<? extends Map.Entry<String, Integer>> lines) {
        StringBuilder canonical = new StringBuilder(subject);
        lines.stream()
                .map(line -> Map.entry(line.getKey(), line.getValue()))
                .sorted(BY_PRODUCT_THEN_QUANTITY)
                .forEach(line -> canonical
                        .append('\n')
                        .append(line.getKey())
                        .append('\t')
                        .append(line.getValue()));
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256")
                            .digest(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
