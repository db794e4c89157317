package till.ledger.posting;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import till.ledger.posting.PostingResult.AlreadyPosted;
import till.ledger.posting.PostingResult.Appended;
import till.ledger.posting.PostingResult.Refused;
import till.ledger.posting.PostingResult.ReversedBeforeCharge;
import till.platform.web.InvalidRequestException;
import till.platform.web.Limits;
import till.platform.web.ProblemDetails;

/** A customer's entries, oldest first, and payments received at the counter. */
@RestController
@RequestMapping("/api/customers/{customerId}")
class LedgerController {

    static final int MAX_PAGE_SIZE = 500;

    private final JdbcClient jdbc;
    private final Ledger ledger;

    LedgerController(JdbcClient jdbc, Ledger ledger) {
        this.jdbc = jdbc;
        this.ledger = ledger;
    }

    record EntryView(
            long entryId, String kind, long amountMinor, long balanceAfterMinor, String reference, Instant createdAt) {

        static EntryView of(Entry entry) {
            return new EntryView(
                    entry.entryId(),
                    entry.kind().name(),
                    entry.amountMinor(),
                    entry.balanceAfterMinor(),
                    entry.reference(),
                    entry.createdAt());
        }
    }

    record EntriesPage(String customerId, int page, int size, long totalEntries, List<EntryView> entries) {}

    @GetMapping("/entries")
    ResponseEntity<Object> entries(
            @PathVariable String customerId,
            @RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "50") int size) {
        if (page < 0) {
            throw new InvalidRequestException("page", "must be 0 or more");
        }
        if (size < 1 || size > MAX_PAGE_SIZE) {
            throw new InvalidRequestException("size", "must be between 1 and " + MAX_PAGE_SIZE);
        }
        Long total = jdbc.sql("""
                        SELECT (SELECT count(*) FROM entries WHERE customer_id = c.customer_id)
                        FROM customers c WHERE c.customer_id = :customerId
                        """)
                .param("customerId", customerId)
                .query(Long.class)
                .optional()
                .orElse(null);
        if (total == null) {
            return unknownCustomer(customerId);
        }
        List<EntryView> entries = jdbc
                .sql("""
                        SELECT * FROM entries
                        WHERE customer_id = :customerId
                        ORDER BY entry_id
                        LIMIT :size OFFSET :offset
                        """)
                .param("customerId", customerId)
                .param("size", size)
                .param("offset", (long) page * size)
                .query(Ledger::entry)
                .list()
                .stream()
                .map(EntryView::of)
                .toList();
        return ResponseEntity.ok(new EntriesPage(customerId, page, size, total, entries));
    }

    record PaymentRequest(
            @NotBlank @Size(max = 100) @Nullable String paymentId,

            @NotNull @Positive @Max(Limits.MAX_AMOUNT_MINOR) @Nullable
            Long amountMinor) {}

    record PaymentView(
            String paymentId, String customerId, long amountMinor, long balanceAfterMinor, Instant postedAt) {

        static PaymentView of(Entry entry) {
            return new PaymentView(
                    entry.reference(),
                    entry.customerId(),
                    -entry.amountMinor(),
                    entry.balanceAfterMinor(),
                    entry.createdAt());
        }
    }

    /** Idempotent on {@code paymentId}: the first call answers 201, a repeat of the same payment 200. */
    @PostMapping("/payments")
    ResponseEntity<Object> pay(@PathVariable String customerId, @Valid @RequestBody PaymentRequest request) {
        String paymentId = String.valueOf(request.paymentId());
        long amountMinor = request.amountMinor() == null ? 0 : request.amountMinor();
        PostingResult result;
        try {
            result = ledger.pay(customerId, paymentId, amountMinor);
        } catch (ReferenceConflictException e) {
            return ProblemDetails.problem(HttpStatus.CONFLICT, e.getMessage(), Map.of("paymentId", paymentId));
        }
        return switch (result) {
            case Appended(Entry entry) ->
                ResponseEntity.status(HttpStatus.CREATED).body(PaymentView.of(entry));
            case AlreadyPosted(Entry entry)
            when entry.amountMinor() != -amountMinor ->
                ProblemDetails.problem(
                        HttpStatus.CONFLICT,
                        "payment " + paymentId + " was recorded with amountMinor " + -entry.amountMinor(),
                        Map.of("paymentId", paymentId));
            case AlreadyPosted(Entry entry) -> ResponseEntity.ok(PaymentView.of(entry));
            case Refused refused -> unknownCustomer(customerId);
            case ReversedBeforeCharge marker -> throw new IllegalStateException("a payment is not a reversal");
        };
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<Object> notANumber(MethodArgumentTypeMismatchException ex) {
        return ProblemDetails.badRequest(
                List.of(new ProblemDetails.FieldError(ex.getName(), "must be an integer")), List.of());
    }

    static ResponseEntity<Object> unknownCustomer(String customerId) {
        return ProblemDetails.problem(
                HttpStatus.NOT_FOUND, "no customer " + customerId, Map.of("customerId", customerId));
    }
}
