package io.convene.meeting;

import io.convene.db.CommitsWith;

/** What must commit in the same transaction as a meeting change (see {@link CommitsWith}). */
@FunctionalInterface
public interface ChangeRecord extends CommitsWith<Meeting> {
}
