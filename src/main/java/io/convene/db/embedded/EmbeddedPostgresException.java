package io.convene.db.embedded;

/**
 * Thrown when the embedded PostgreSQL server cannot be prepared, started or stopped. The message is
 * meant for an operator: it names the path or setting involved and, for process failures, includes
 * the tail of the command's output and the server log path.
 */
public final class EmbeddedPostgresException extends RuntimeException {

  public EmbeddedPostgresException(String message) {
    super(message);
  }

  public EmbeddedPostgresException(String message, Throwable cause) {
    super(message, cause);
  }
}
