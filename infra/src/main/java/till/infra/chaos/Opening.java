package till.infra.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import till.infra.demo.TillClient;
import till.platform.security.Credentials;

/** Opens the shop: a few products with little stock, and customers whose credit covers a handful of sales. */
final class Opening {

    static final int PRODUCTS = 8;
    static final int CUSTOMERS = 12;
    static final long CREDIT_LIMIT_MINOR = 5_000;

    private Opening() {}

    static Shop open(Settings settings, Urls urls, Random random, Credentials.Account admin) {
        String run = "chaos-" + settings.seed() + "-" + Long.toHexString(random.nextLong() & 0xffffff);
        List<String> products = new ArrayList<>();
        List<String> customers = new ArrayList<>();
        for (int i = 0; i < PRODUCTS; i++) {
            products.add(run + "-product-" + i);
        }
        for (int i = 0; i < CUSTOMERS; i++) {
            customers.add(run + "-customer-" + i);
        }
        Shop shop = new Shop(products, customers);
        try (TillClient client = new TillClient(admin)) {
            for (String product : products) {
                // Scarce: about one unit for every sixteen sales, so most products sell out under the load.
                int onHand = 2 + random.nextInt(settings.checkouts() / 16 + 1);
                long price = 100 + 50L * random.nextInt(19);
                expectCreated(client.put(
                        urls.inventory(0) + "/api/products/" + product,
                        Map.of("name", "Product " + product, "priceMinor", price, "onHand", onHand),
                        Map.of()));
                shop.initialStock.put(product, onHand);
            }
            for (String customer : customers) {
                expectCreated(client.put(
                        urls.ledger(0) + "/api/customers/" + customer,
                        Map.of("name", "Customer " + customer, "creditLimitMinor", CREDIT_LIMIT_MINOR),
                        Map.of()));
                shop.highestCreditLimit.put(customer, CREDIT_LIMIT_MINOR);
            }
        }
        return shop;
    }

    private static void expectCreated(TillClient.Response response) {
        if (response.status() != 201) {
            throw new IllegalStateException("could not open the shop: " + response.status() + " " + response.body());
        }
    }
}
