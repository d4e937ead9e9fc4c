package io.convene.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;

/**
 * Something that must commit in the same transaction as a change, written once the change's result is
 * known: the stored answer of the request that made it (its {@code Idempotency-Key}), so that no crash
 * can leave the change without it.
 */
@FunctionalInterface
public interface CommitsWith<T> {
  Future<Void> write(SqlClient transaction, T changed);

  /**
   * {@code changed}, once {@code record} is written with it in {@code transaction}. Nothing is written
   * without a record, or when nothing changed ({@code null}): the caller then refuses the request, and a
   * refusal is stored as it is sent.
   */
  static <T> Future<T> written(CommitsWith<T> record, SqlClient transaction, T changed) {
    return record == null || changed == null ? Future.succeededFuture(changed)
        : record.write(transaction, changed).map(changed);
  }
}
