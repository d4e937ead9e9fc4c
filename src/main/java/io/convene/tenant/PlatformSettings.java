package io.convene.tenant;

import io.convene.db.CommitsWith;
import io.convene.webhook.WebhookEndpoint;
import io.convene.webhook.WebhookEndpoints;
import io.convene.webhook.WebhookEndpoints.PrimaryChange;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.util.List;

/**
 * A tenant's Platform API settings: its redirect URIs (the one home of the SQL for
 * {@code platform_settings}) and its webhook URL, which is the primary webhook endpoint's URL
 * (kept by {@link WebhookEndpoints}, the one source of truth).
 */
public final class PlatformSettings {
  private static final String READ = "SELECT redirect_uris, booking_page_url FROM platform_settings WHERE account_id = $1";
  private static final String UPSERT = "INSERT INTO platform_settings (account_id, redirect_uris, booking_page_url)"
      + " VALUES ($1, COALESCE($2, '{}'::text[]), $4)"
      + " ON CONFLICT (account_id) DO UPDATE SET"
      + "  redirect_uris = COALESCE($2, platform_settings.redirect_uris),"
      + "  booking_page_url = CASE WHEN $3 THEN $4 ELSE platform_settings.booking_page_url END,"
      + "  updated_at = now()"
      + " RETURNING redirect_uris, booking_page_url";

  private final Pool pool;
  private final WebhookEndpoints webhooks;

  public PlatformSettings(Pool pool, WebhookEndpoints webhooks) {
    this.pool = pool;
    this.webhooks = webhooks;
  }

  /**
   * {@code {"redirect_uris": [...], "webhook_url": ..., "booking_page_url": ...}}, with empty defaults for a tenant
   * that set nothing.
   */
  public Future<JsonObject> read(String accountId) {
    return pool.preparedQuery(READ).execute(Tuple.of(accountId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next())
        .compose(row -> webhooks.primary(pool, accountId).map(primary -> json(
            row == null ? new String[0] : row.getArrayOfStrings("redirect_uris"), primary,
            row == null ? null : row.getString("booking_page_url"))));
  }

  /**
   * Both in one transaction. A new webhook URL moves the primary endpoint, or creates it and issues its
   * signing secret (then answered once, as {@code webhook_secret}); {@code null} removes it.
   *
   * @param redirectUris {@code null} keeps the current list
   * @param setWebhookUrl whether {@code webhookUrl} (possibly null, clearing it) replaces the current one
   * @param setBookingPage whether {@code bookingPageUrl} (possibly null, clearing it) replaces the current one
   * @param record        {@code null}, or what commits with the change
   */
  public Future<JsonObject> update(String accountId, List<String> redirectUris, boolean setWebhookUrl, String webhookUrl,
                                   boolean setBookingPage, String bookingPageUrl, CommitsWith<JsonObject> record) {
    return pool.withTransaction(conn -> conn.preparedQuery(UPSERT)
        .execute(Tuple.tuple().addValue(accountId)
            .addValue(redirectUris == null ? null : redirectUris.toArray(String[]::new))
            .addValue(setBookingPage).addValue(bookingPageUrl))
        .map(rows -> rows.iterator().next())
        .compose(row -> {
          String[] uris = row.getArrayOfStrings("redirect_uris");
          String page = row.getString("booking_page_url");
          if (!setWebhookUrl) {
            return webhooks.primary(conn, accountId).map(primary -> json(uris, primary, page));
          }
          if (webhookUrl == null) {
            return webhooks.deletePrimary(conn, accountId).map(deleted -> json(uris, null, page));
          }
          return webhooks.changePrimary(conn, accountId, PrimaryChange.url(webhookUrl)).map(issued -> {
            JsonObject out = json(uris, issued.endpoint(), page);
            if (issued.secret() != null) {
              out.put("webhook_secret", issued.secret());
            }
            return out;
          });
        })
        .compose(settings -> CommitsWith.written(record, conn, settings)));
  }

  private static JsonObject json(String[] redirectUris, WebhookEndpoint primary, String bookingPageUrl) {
    return new JsonObject()
        .put("redirect_uris", new JsonArray(List.of(redirectUris)))
        .put("webhook_url", primary == null ? null : primary.url())
        .put("booking_page_url", bookingPageUrl);
  }
}
