package till.infra.chaos;

import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the run set up and what the tills and the admin did to it, as far as their answers tell: what the books
 * must add up to once the stack has healed. Shared by every till thread.
 */
final class Shop {

    record Line(String productId, int quantity) {}

    /** A sale its till got an answer for: the checkout its key stands for. */
    record Sale(String key, String checkoutId, String customerId, List<Line> lines) {}

    record Poison(String topic, String key) {}

    final List<String> products;
    final List<String> customers;
    final Map<String, Integer> initialStock = new ConcurrentHashMap<>();
    /** Adjustments answered as applied (201, or 200 for a repeat of one the till never heard back about). */
    final Map<String, Long> adjusted = new ConcurrentHashMap<>();
    /** The highest credit limit each customer ever had, or was about to get: no balance may go above it. */
    final Map<String, Long> highestCreditLimit = new ConcurrentHashMap<>();

    final Map<String, Long> paid = new ConcurrentHashMap<>();
    /** What refunds pick from (those found CONFIRMED). */
    final List<Sale> sales = new CopyOnWriteArrayList<>();

    final Queue<String> unanswered = new ConcurrentLinkedQueue<>();
    final Queue<String> surprises = new ConcurrentLinkedQueue<>();
    final Queue<Poison> poison = new ConcurrentLinkedQueue<>();
    final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

    Shop(List<String> products, List<String> customers) {
        this.products = List.copyOf(products);
        this.customers = List.copyOf(customers);
    }

    void count(String what) {
        counts.computeIfAbsent(what, k -> new AtomicInteger()).incrementAndGet();
    }

    int count(String what, int orElse) {
        AtomicInteger n = counts.get(what);
        return n == null ? orElse : n.get();
    }

    /** An answer no till should ever get: a violation, named with what was asked. */
    void surprise(String what) {
        surprises.add(what);
    }
}
