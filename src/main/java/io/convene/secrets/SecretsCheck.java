package io.convene.secrets;

import io.convene.config.ConfigException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/**
 * The one home of the SQL for {@code secrets_check}: the first start seals a known value; every
 * later start must open it, so a wrong secrets key stops the start instead of breaking every
 * stored secret.
 */
public final class SecretsCheck {
  private static final String KNOWN = "convene-secrets-check";

  private SecretsCheck() {
  }

  public static Future<Void> verify(Pool pool, SecretBox box) {
    return pool.preparedQuery("INSERT INTO secrets_check (id, sealed) VALUES (1, $1) ON CONFLICT (id) DO NOTHING")
        .execute(Tuple.of(box.seal(KNOWN)))
        .compose(inserted -> pool.query("SELECT sealed FROM secrets_check WHERE id = 1").execute())
        .map(rows -> {
          String sealed = rows.iterator().next().getString("sealed");
          try {
            if (KNOWN.equals(box.open(sealed))) {
              return null;
            }
          } catch (SecretBox.SecretBoxException e) {
            // reported below
          }
          throw new ConfigException("secrets_key (CONVENE_SECRETS_KEY) is not the key this database's secrets were"
              + " sealed with; start with the original key");
        });
  }
}
