package io.convene.tenant;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.List;

/** The one home of the SQL for {@code platform_settings}: a tenant's redirect URIs and webhook URL. */
public final class PlatformSettings {
  private static final String READ = "SELECT redirect_uris, webhook_url FROM platform_settings WHERE account_id = $1";
  private static final String UPSERT = "INSERT INTO platform_settings (account_id, redirect_uris, webhook_url)"
      + " VALUES ($1, COALESCE($2, '{}'::text[]), $4)"
      + " ON CONFLICT (account_id) DO UPDATE SET"
      + "  redirect_uris = COALESCE($2, platform_settings.redirect_uris),"
      + "  webhook_url = CASE WHEN $3 THEN $4 ELSE platform_settings.webhook_url END,"
      + "  updated_at = now()"
      + " RETURNING redirect_uris, webhook_url";

  private final Pool pool;

  public PlatformSettings(Pool pool) {
    this.pool = pool;
  }

  /** {@code {"redirect_uris": [...], "webhook_url": ...}}, with empty defaults for a tenant that set nothing. */
  public Future<JsonObject> read(String accountId) {
    return pool.preparedQuery(READ).execute(Tuple.of(accountId))
        .map(rows -> rows.size() == 0 ? json(new String[0], null) : json(rows.iterator().next()));
  }

  /**
   * @param redirectUris {@code null} keeps the current list
   * @param setWebhookUrl whether {@code webhookUrl} (possibly null, clearing it) replaces the current one
   */
  public Future<JsonObject> update(String accountId, List<String> redirectUris, boolean setWebhookUrl, String webhookUrl) {
    return pool.preparedQuery(UPSERT)
        .execute(Tuple.of(accountId, redirectUris == null ? null : redirectUris.toArray(String[]::new),
            setWebhookUrl, webhookUrl))
        .map(rows -> json(rows.iterator().next()));
  }

  private static JsonObject json(Row row) {
    return json(row.getArrayOfStrings("redirect_uris"), row.getString("webhook_url"));
  }

  private static JsonObject json(String[] redirectUris, String webhookUrl) {
    return new JsonObject().put("redirect_uris", new JsonArray(List.of(redirectUris))).put("webhook_url", webhookUrl);
  }
}
