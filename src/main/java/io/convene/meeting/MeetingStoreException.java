package io.convene.meeting;

/** Why the store refused a command; each surface turns the kind into its own status and code. */
public final class MeetingStoreException extends RuntimeException {

  public enum Kind {
    /** No such meeting in this tenant (another tenant's meeting reads the same). */
    NOT_FOUND,
    /** The meeting is cancelled, and cancellation is final. */
    CANCELLED,
    /** The caller's expected version is not the current one. */
    VERSION_MISMATCH,
    /** The database cannot be reached right now; the caller may retry. */
    UNAVAILABLE,
    /** Anything else: a bug. */
    INTERNAL,
    /** A guarded change found its precondition gone inside the transaction (the time was taken meanwhile). */
    DECLINED
  }

  private final Kind kind;

  public MeetingStoreException(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
