package till.checkout.idempotency;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;
import till.platform.web.InvalidRequestException;
import till.platform.web.Limits;

/** What a till's sale and refund requests have in common: an {@code Idempotency-Key} and lines of products. */
public final class TillRequests {

    public static final int MAX_LINES = Limits.MAX_LINES;

    public record LineRequest(
            @NotBlank @Size(max = 200) String productId,
            @NotNull @Positive @Max(Limits.MAX_QUANTITY) Integer quantity) {}

    private TillRequests() {}

    /** 404 problem+json (docs/SPEC.md, Limits), thrown so that a held request ({@code Prefer: wait}) answers alike. */
    public static ResponseStatusException noSuchCheckout(UUID checkoutId) {
        return new ResponseStatusException(HttpStatus.NOT_FOUND, "no checkout " + checkoutId);
    }

    /** Refuses (400) a key that is blank or longer than 200 characters. */
    public static void checkKey(String idempotencyKey) {
        if (idempotencyKey.isBlank() || idempotencyKey.length() > 200) {
            throw new InvalidRequestException("Idempotency-Key", "must be 1 to 200 characters");
        }
    }

    /**
     * Each line's product and quantity, in request order. The same product on two lines is refused (400 naming the
     * second line) rather than merged: a till that sends it has a bug worth seeing, and merging would make the
     * answer differ from the request.
     */
    public static Map<String, Integer> distinctProducts(List<LineRequest> lines) {
        Map<String, Integer> quantities = new LinkedHashMap<>();
        Map<String, Integer> firstLine = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            LineRequest line = lines.get(i);
            Integer earlier = firstLine.putIfAbsent(line.productId(), i);
            if (earlier != null) {
                throw new InvalidRequestException(
                        "lines[" + i + "].productId", "repeats lines[" + earlier + "]; put the total on one line");
            }
            quantities.put(line.productId(), line.quantity());
        }
        return quantities;
    }
}
