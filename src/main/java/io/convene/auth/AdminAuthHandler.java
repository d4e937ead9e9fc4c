package io.convene.auth;

import io.convene.tenant.Secrets;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/** Guards the operators' API with the configured admin token, compared in constant time. */
public final class AdminAuthHandler implements Handler<RoutingContext> {
  private final byte[] tokenHash;

  public AdminAuthHandler(String adminToken) {
    this.tokenHash = Secrets.sha256(adminToken);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String token = TenantAuthHandler.bearerToken(ctx.request());
    if (token == null || !Secrets.matches(token, tokenHash)) {
      ctx.fail(new AuthFailure("invalid_admin_token", "send the admin token as 'Authorization: Bearer <token>'"));
      return;
    }
    ctx.next();
  }
}
