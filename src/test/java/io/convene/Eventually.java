package io.convene;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits for state that settles after a response (what a background worker records), by asking
 * again on a Vert.x timer until the answer passes or 30 s are up; the last answer is in the failure.
 */
public final class Eventually {
  private static final long EVERY_MILLIS = 50;
  private static final long LIMIT_MILLIS = 30_000;

  private Eventually() {
  }

  public static <T> T until(Vertx vertx, Supplier<Future<T>> probe, Predicate<T> done) {
    Promise<T> result = Promise.promise();
    long deadline = System.currentTimeMillis() + LIMIT_MILLIS;
    vertx.runOnContext(v -> ask(vertx, probe, done, deadline, result));
    return result.future().await();
  }

  private static <T> void ask(Vertx vertx, Supplier<Future<T>> probe, Predicate<T> done, long deadline, Promise<T> result) {
    probe.get().onComplete(answer -> {
      if (answer.succeeded() && done.test(answer.result())) {
        result.complete(answer.result());
      } else if (System.currentTimeMillis() > deadline) {
        result.fail(new AssertionError("still not there after " + LIMIT_MILLIS + " ms; last answer: "
            + (answer.succeeded() ? answer.result() : answer.cause())));
      } else {
        vertx.setTimer(EVERY_MILLIS, t -> ask(vertx, probe, done, deadline, result));
      }
    });
  }
}
