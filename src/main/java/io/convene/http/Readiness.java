package io.convene.http;

/**
 * Whether this process still wants new requests: from the first moment of a shutdown,
 * {@code /health/ready} answers 503 and every answer says its connection closes, while the listener
 * stays open for {@code shutdown_delay_seconds}, so that load balancers stop routing here before
 * anything is refused. Shared by every HTTP instance of the process.
 */
public final class Readiness {
  private volatile boolean stopping;

  public void stopping() {
    stopping = true;
  }

  public boolean isStopping() {
    return stopping;
  }
}
