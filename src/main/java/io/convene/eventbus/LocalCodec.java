package io.convene.eventbus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Passes immutable records between verticles of one process as they are: no JSON copy.
 * Messages never leave the process (no clustered event bus), so there is no wire form.
 */
public final class LocalCodec implements MessageCodec<Object, Object> {
  public static final String NAME = "convene-local";
  public static final DeliveryOptions DELIVERY = new DeliveryOptions().setCodecName(NAME);

  @Override
  public void encodeToWire(Buffer buffer, Object o) {
    throw new IllegalStateException("Convene messages are process-local");
  }

  @Override
  public Object decodeFromWire(int pos, Buffer buffer) {
    throw new IllegalStateException("Convene messages are process-local");
  }

  @Override
  public Object transform(Object o) {
    return o;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
