package till.checkout.outcome;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@code wait} preference of RFC 7240: {@code Prefer: wait=N}, N whole seconds, at most {@link #MAX}.
 *
 * <p>As the RFC asks of a server, what it does not understand is ignored rather than refused: a {@code wait} that
 * is not a whole number of seconds is as if it were not sent, and a longer one is capped ({@code wait=300} waits
 * 30 s and answers {@code Preference-Applied: wait=30}). Only the first {@code wait} counts; other preferences
 * ({@code respond-async}, {@code return=minimal}) are ignored.
 */
record PreferWait(Duration duration) {

    static final Duration MAX = Duration.ofSeconds(30);

    /** The first {@code wait} among these {@code Prefer} header values, if it is one this server can honour. */
    static Optional<PreferWait> from(List<String> preferHeaders) {
        for (String header : preferHeaders) {
            for (String preference : header.split(",")) {
                // A preference is "token [= value] *( ; parameter )": the parameters say nothing about wait.
                String[] nameAndValue = preference.split(";", 2)[0].split("=", 2);
                if (nameAndValue[0].strip().toLowerCase(Locale.ROOT).equals("wait")) {
                    return nameAndValue.length == 2 ? seconds(unquoted(nameAndValue[1].strip())) : Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /** The header value that says what was applied. */
    String applied() {
        return "wait=" + duration.toSeconds();
    }

    private static Optional<PreferWait> seconds(String value) {
        if (value.isEmpty() || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Optional.empty();
        }
        // Any number of digits is a valid delta-seconds; more than nine are far above the cap.
        Duration asked = value.length() > 9 ? MAX : Duration.ofSeconds(Long.parseLong(value));
        return Optional.of(new PreferWait(asked.compareTo(MAX) > 0 ? MAX : asked));
    }

    private static String unquoted(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1)
                : value;
    }
}
