package till.infra.chaos;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import till.contracts.inventory.ReleaseStock;
import till.contracts.inventory.StockReleased;
import till.contracts.ledger.ChargeReversed;
import till.contracts.ledger.ReverseCharge;
import till.infra.demo.TillClient;
import tools.jackson.databind.JsonNode;

/**
 * What the services say once the stack has healed, read over REST: every checkout, product and customer of the
 * run, with every customer's ledger entries. Reads until every checkout is final, every refund completed, every
 * rejected checkout's charge reversal and releases answered (a release gives back units its reservation sold, ADR
 * 17) and nothing reserved, or the heal time is up (what is still open then is a violation the checks report).
 */
final class Books {

    record Entry(String kind, long amountMinor, long balanceAfterMinor, String reference) {}

    final Map<String, JsonNode> checkouts = new HashMap<>();
    final Map<String, JsonNode> products = new HashMap<>();
    final Map<String, JsonNode> customers = new HashMap<>();
    final Map<String, List<Entry>> entries = new HashMap<>();

    private final TillClient client;
    private final Urls urls;
    private final Set<String> compensationsAnswered = new HashSet<>();

    private Books(TillClient client, Urls urls) {
        this.client = client;
        this.urls = urls;
    }

    static Books read(Shop shop, Urls urls, TillClient client, Duration healTime) {
        Books books = new Books(client, urls);
        Instant giveUp = Instant.now().plus(healTime);
        do {
            for (Shop.Sale sale : shop.sales) {
                JsonNode known = books.checkouts.get(sale.checkoutId());
                if (known == null || !settled(known)) {
                    books.get(urls.checkout(0) + "/api/checkouts/" + sale.checkoutId())
                            .ifPresent(checkout -> books.checkouts.put(sale.checkoutId(), checkout));
                }
            }
            for (String product : shop.products) {
                books.get(urls.inventory(0) + "/api/products/" + product)
                        .ifPresent(p -> books.products.put(product, p));
            }
            if (books.settled(shop)) {
                break;
            }
            Pause.of(Duration.ofSeconds(1));
        } while (Instant.now().isBefore(giveUp));
        for (String customer : shop.customers) {
            books.get(urls.ledger(0) + "/api/customers/" + customer).ifPresent(c -> books.customers.put(customer, c));
            books.entries.put(customer, books.entriesOf(customer));
        }
        return books;
    }

    /**
     * Every checkout read and final with its refunds completed, every rejected one's charge reversal and releases
     * answered, and no product with units reserved.
     */
    private boolean settled(Shop shop) {
        return checkouts.size() == shop.sales.size()
                && checkouts.values().stream().allMatch(Books::settled)
                && checkouts.values().stream().allMatch(this::compensated)
                && products.size() == shop.products.size()
                && products.values().stream().allMatch(p -> p.get("reserved").asLong() == 0);
    }

    /**
     * A rejected checkout that asked for its charge to be reversed, or for its lines to be released, has every answer
     * in its timeline: a quoted checkout (ADR 10) is charged with its reservations, so a rejected one's reversal
     * follows its rejection, and a reservation sells at once (ADR 17), so its units come back only with the release.
     * The ledger and the stock are read once they are answered. Remembered once seen, so each timeline is read until
     * then only.
     */
    private boolean compensated(JsonNode checkout) {
        if (!"REJECTED".equals(checkout.get("status").asString())) {
            return true;
        }
        String id = checkout.get("checkoutId").asString();
        if (compensationsAnswered.contains(id)) {
            return true;
        }
        Optional<JsonNode> timeline = get(urls.checkout(0) + "/api/checkouts/" + id + "/timeline");
        if (timeline.isEmpty()) {
            return false;
        }
        boolean reversalAsked = false;
        boolean reversalAnswered = false;
        Set<String> releasesAsked = new HashSet<>();
        Set<String> releasesAnswered = new HashSet<>();
        for (JsonNode entry : timeline.get()) {
            String type = entry.get("type").asString();
            boolean sent = "SENT".equals(entry.get("direction").asString());
            String productId = entry.path("data").path("productId").asString("");
            reversalAsked |= sent && ReverseCharge.TYPE.equals(type);
            reversalAnswered |= !sent && ChargeReversed.TYPE.equals(type);
            if (sent && ReleaseStock.TYPE.equals(type)) {
                releasesAsked.add(productId);
            } else if (!sent && StockReleased.TYPE.equals(type)) {
                releasesAnswered.add(productId);
            }
        }
        if ((reversalAsked && !reversalAnswered) || !releasesAnswered.containsAll(releasesAsked)) {
            return false;
        }
        compensationsAnswered.add(id);
        return true;
    }

    private static boolean settled(JsonNode checkout) {
        if ("PENDING".equals(checkout.get("status").asString())) {
            return false;
        }
        for (JsonNode refund : checkout.path("refunds")) {
            if (!"COMPLETED".equals(refund.get("status").asString())) {
                return false;
            }
        }
        return true;
    }

    private List<Entry> entriesOf(String customer) {
        List<Entry> all = new ArrayList<>();
        // Bounded: a page of 200 at a time, at most 100 pages.
        for (int page = 0; page < 100; page++) {
            Optional<JsonNode> body =
                    get(urls.ledger(page) + "/api/customers/" + customer + "/entries?page=" + page + "&size=200");
            if (body.isEmpty()) {
                throw new IllegalStateException("could not read the entries of " + customer);
            }
            for (JsonNode e : body.get().get("entries")) {
                all.add(new Entry(
                        e.get("kind").asString(),
                        e.get("amountMinor").asLong(),
                        e.get("balanceAfterMinor").asLong(),
                        e.get("reference").asString()));
            }
            if (all.size() >= body.get().get("totalEntries").asLong()
                    || body.get().get("entries").isEmpty()) {
                return all;
            }
        }
        throw new IllegalStateException(customer + " has more than 20000 entries");
    }

    /** A GET answered 200, tried a few times over both instances (the stack has healed, but may still be slow). */
    private Optional<JsonNode> get(String url) {
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                TillClient.Response response = client.get(url);
                if (response.status() == 200) {
                    return Optional.of(response.body());
                }
            } catch (IllegalStateException noAnswer) {
                // Tried again below.
            }
            Pause.of(Duration.ofMillis(500));
        }
        return Optional.empty();
    }
}
