package till.platform.outbox;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** The relay's stop signal for one run (a stopped relay can be started again with a new one). */
final class Stopping {

    private final CountDownLatch stopped = new CountDownLatch(1);

    void stop() {
        stopped.countDown();
    }

    boolean running() {
        return stopped.getCount() > 0;
    }

    /** Sleeps, but not past {@link #stop}. Commits do not shorten it: a follower or a relay in backoff waits it out. */
    void pause(Duration duration) {
        try {
            stopped.await(duration.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
        }
    }
}
