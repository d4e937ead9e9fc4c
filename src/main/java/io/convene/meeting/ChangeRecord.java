package io.convene.meeting;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;

/**
 * Something that must commit in the same transaction as a change, written once the change's result is
 * known: the stored answer of the request that made it (its {@code Idempotency-Key}), so that no crash
 * can leave the change without it.
 */
@FunctionalInterface
public interface ChangeRecord {
  Future<Void> write(SqlClient transaction, Meeting changed);
}
