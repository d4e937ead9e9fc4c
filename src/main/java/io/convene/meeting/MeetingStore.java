package io.convene.meeting;

import io.convene.eventbus.LocalCodec;
import io.convene.meeting.MeetingStoreException.Kind;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * What the API surfaces hold: sends a command to the store over the event bus and types the reply.
 * Made on an event loop, it sends to the store instance of that loop, so that a request's store work
 * stays on the thread that received it.
 */
public final class MeetingStore {
  private static final DeliveryOptions DELIVERY = new DeliveryOptions()
      .setCodecName(LocalCodec.NAME)
      .setSendTimeout(15_000);

  private final EventBus bus;
  private String address;

  public MeetingStore(EventBus bus) {
    this.bus = bus;
    this.address = Context.isOnEventLoopThread() ? MeetingStoreVerticle.addressOfThisLoop() : MeetingStoreVerticle.ADDRESS;
  }

  public <R> Future<R> send(MeetingCommand<R> command) {
    return bus.<R>request(address, command, DELIVERY)
        .map(Message::body)
        .recover(error -> {
          if (error instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS
              && !address.equals(MeetingStoreVerticle.ADDRESS)) {
            // No store instance landed on this loop (more front instances than loops): use any.
            address = MeetingStoreVerticle.ADDRESS;
            return send(command);
          }
          return Future.failedFuture(translate(error));
        });
  }

  private static Throwable translate(Throwable error) {
    if (error instanceof ReplyException reply) {
      if (reply.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
        return new MeetingStoreException(Kind.values()[reply.failureCode()], reply.getMessage());
      }
      return new MeetingStoreException(Kind.UNAVAILABLE, "meeting store did not answer: " + reply.getMessage());
    }
    return error;
  }
}
