package io.convene.http;

import io.convene.auth.AccessTokens;
import io.convene.config.ConveneConfig;
import io.convene.db.Database;
import io.convene.secrets.SecretBox;
import io.convene.booking.ManageTokens;
import io.convene.tenant.CredentialCache;

/**
 * What the HTTP verticles and the metrics of one process share, built once at start and handed to each
 * instance (the webhook and calendar workers take only what they use).
 *
 * @param rateLimiter {@code null} when rate limiting is off
 * @param failedAuthLimiter {@code null} when the failed-authentication limit is off
 * @param credentials what every instance of the process knows of API keys and OAuth clients
 * @param readiness whether this process is shutting down (readiness fails first)
 * @param publicRateLimiter {@code null} when the public surface's per-address limit is off
 * @param manageTokens what signs and verifies the booking pages' manage tokens
 */
public record Services(ConveneConfig config, Database database, SecretBox secrets, RateLimiter rateLimiter,
                       FailedAuthLimiter failedAuthLimiter,
                       AccessTokens accessTokens,
                       CredentialCache credentials,
                       Readiness readiness,
                       RateLimiter publicRateLimiter,
                       ManageTokens manageTokens) {
}
