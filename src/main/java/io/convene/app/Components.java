package io.convene.app;

import io.convene.auth.AccessTokens;
import io.convene.auth.TenantAuthHandler;
import io.convene.booking.BookingSlots;
import io.convene.booking.Bookings;
import io.convene.booking.ManageTokens;
import io.convene.booking.MeetingEvents;
import io.convene.calendar.CalendarConnections;
import io.convene.calendar.FreeBusy;
import io.convene.calendar.GoogleCalendarClient;
import io.convene.calendar.OAuthStates;
import io.convene.config.ConveneConfig;
import io.convene.db.Database;
import io.convene.history.MeetingHistory;
import io.convene.http.ClusterBuckets;
import io.convene.http.FailedAuthLimiter;
import io.convene.http.Idempotency;
import io.convene.http.RateLimiter;
import io.convene.http.Readiness;
import io.convene.http.TokenBuckets;
import io.convene.meeting.LastSeenMeetings;
import io.convene.meeting.MeetingStore;
import io.convene.scheduling.Availability;
import io.convene.scheduling.Users;
import io.convene.secrets.SecretBox;
import io.convene.secrets.SecretsCheck;
import io.convene.tenant.CredentialCache;
import io.convene.tenant.PlatformDashboard;
import io.convene.tenant.PlatformSettings;
import io.convene.tenant.Tenants;
import io.convene.webhook.WebhookDeliveryLog;
import io.convene.webhook.WebhookEndpoints;
import io.convene.webhook.WebhookTargets;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What one Convene node is made of, built here and nowhere else (like svix-server's {@code AppState}): once per
 * process at start, what every event loop shares; in each HTTP front's {@code start()}, what belongs to its
 * event loop ({@link OnLoop}). The HTTP fronts, the probes, the metrics and the workers take their parts from it;
 * the workers make only what is theirs alone (their SQL, their HTTP clients, which close with them).
 *
 * <p>A limit that is off is a handler that passes the request on, never a {@code null}; the one thing that may
 * be missing is Google, when no Google client is configured ({@link OnLoop#google()}).
 */
public final class Components {
  /** Google's token and calendar calls made while a user waits in the OAuth callback. */
  private static final long GOOGLE_TIMEOUT_MS = 10_000;
  private static final Handler<RoutingContext> OFF = RoutingContext::next;

  private final Vertx vertx;
  private final ConveneConfig config;
  private final Database database;
  private final SecretBox secrets;
  private final AccessTokens accessTokens;
  private final ManageTokens manageTokens;
  private final CredentialCache credentials;
  private final Readiness readiness;
  private final RateLimiter rateLimiter;
  private final FailedAuthLimiter failedAuthLimiter;
  private final RateLimiter publicRateLimiter;
  private final LastSeenMeetings lastSeen;

  private final Pool pool;
  private final Tenants tenants;
  private final CalendarConnections calendars;
  private final WebhookEndpoints webhookEndpoints;
  private final WebhookTargets webhookTargets;
  private final PlatformSettings platformSettings;
  private final Users users;
  private final MeetingEvents meetingEvents;
  private final Handler<RoutingContext> authentication;
  private final Idempotency idempotency;
  private final MeetingHistory history;
  private final PlatformDashboard dashboard;
  private final WebhookDeliveryLog webhookLog;
  private final OAuthStates oauthStates;

  private Components(Vertx vertx, ConveneConfig config, Database database, SecretBox secrets, AccessTokens accessTokens,
                     ManageTokens manageTokens, CredentialCache credentials, Readiness readiness) {
    this.vertx = vertx;
    this.config = config;
    this.database = database;
    this.secrets = secrets;
    this.accessTokens = accessTokens;
    this.manageTokens = manageTokens;
    this.credentials = credentials;
    this.readiness = readiness;
    rateLimiter = config.rateLimitPerMinute() > 0
        ? new RateLimiter(config.rateLimitPerMinute(), config.clusterRateLimits()) : null;
    failedAuthLimiter = config.authFailuresPerMinute() > 0
        ? new FailedAuthLimiter(config.authFailuresPerMinute(), config.clusterRateLimits()) : null;
    publicRateLimiter = config.publicRateLimitPerMinute() > 0
        ? RateLimiter.perAddress(config.publicRateLimitPerMinute()) : null;
    lastSeen = new LastSeenMeetings(config.meetingCacheSize());

    pool = database.pool(vertx);
    tenants = new Tenants(pool, credentials);
    calendars = new CalendarConnections(pool, secrets);
    webhookEndpoints = new WebhookEndpoints(pool, secrets);
    webhookTargets = new WebhookTargets(vertx, config.webhooksAllowInsecure());
    platformSettings = new PlatformSettings(pool, webhookEndpoints);
    users = new Users(pool);
    meetingEvents = new MeetingEvents(pool);
    authentication = new TenantAuthHandler(tenants, accessTokens);
    idempotency = new Idempotency(pool, secrets);
    history = new MeetingHistory(pool);
    dashboard = new PlatformDashboard(pool);
    webhookLog = new WebhookDeliveryLog(pool);
    oauthStates = new OAuthStates(pool);
  }

  /**
   * Migrates the database, opens the secrets key and checks it against the database, starts the signing keys
   * and the credential cache's invalidations, then builds the rest.
   */
  public static Future<Components> start(Vertx vertx, ConveneConfig config, Database database, Readiness readiness) {
    CredentialCache credentials = new CredentialCache(config.credentialCacheSize(),
        Duration.ofSeconds(config.credentialCacheTtlSeconds()));
    return vertx.executeBlocking(() -> {
          database.migrate();
          byte[] key = config.secretsKeyBytes();
          return key != null ? new SecretBox(key) : SecretBox.fromKeyFile(config.secretsKeyFile());
        })
        .compose(secrets -> SecretsCheck.verify(database.pool(vertx), secrets)
            .compose(checked -> AccessTokens.start(vertx, database.pool(vertx), secrets, config))
            .compose(tokens -> ManageTokens.start(vertx, database.pool(vertx), secrets, config)
                .compose(manageTokens -> credentials.listen(vertx, database.connectOptions())
                    .map(v -> new Components(vertx, config, database, secrets, tokens, manageTokens, credentials,
                        readiness)))));
  }

  public ConveneConfig config() {
    return config;
  }

  public Database database() {
    return database;
  }

  public Pool pool() {
    return pool;
  }

  public SecretBox secrets() {
    return secrets;
  }

  public CredentialCache credentials() {
    return credentials;
  }

  /** Whether this process is shutting down (readiness fails first). */
  public Readiness readiness() {
    return readiness;
  }

  public LastSeenMeetings lastSeen() {
    return lastSeen;
  }

  public AccessTokens accessTokens() {
    return accessTokens;
  }

  public Tenants tenants() {
    return tenants;
  }

  public CalendarConnections calendars() {
    return calendars;
  }

  /** A client of the meeting store that sends to the store instance of the calling event loop. */
  public MeetingStore storeOnThisLoop() {
    return new MeetingStore(vertx.eventBus());
  }

  /** The parts of one event loop's HTTP front; made in that verticle's {@code start()}, on its loop. */
  public OnLoop onThisLoop() {
    return new OnLoop();
  }

  /**
   * What one event loop's HTTP front does not share with the others: the store client sends to the store of its
   * loop, and Google's clients keep their access tokens (and booking its busy answers) for that loop alone.
   */
  public final class OnLoop {
    private final MeetingStore store = storeOnThisLoop();
    private final GoogleCalendarClient google;
    private final Availability availability;
    private final BookingSlots bookingSlots;
    private final Bookings bookings;

    private OnLoop() {
      google = config.calendar().enabled() ? new GoogleCalendarClient(vertx, config.calendar(), GOOGLE_TIMEOUT_MS) : null;
      // Its own client: free/busy calls wait freebusy_timeout_ms, not the callback's longer timeout. Without Google,
      // availability and booking know Convene's own meetings alone.
      FreeBusy freeBusy = config.calendar().enabled()
          ? new FreeBusy(vertx, calendars, new GoogleCalendarClient(vertx, config.calendar(), config.freebusyTimeoutMs()))
          : null;
      availability = new Availability(pool, users, freeBusy, config.minNoticeMinutes());
      bookingSlots = new BookingSlots(pool, users, freeBusy, config.minNoticeMinutes(), config.bookingHorizonDays());
      bookings = new Bookings(pool, store, meetingEvents, bookingSlots, manageTokens, config.publicBaseUrl());
    }

    public MeetingStore store() {
      return store;
    }

    /** The OAuth callback's Google client; {@code null} when no Google client is configured. */
    public GoogleCalendarClient google() {
      return google;
    }

    public Availability availability() {
      return availability;
    }

    public BookingSlots bookingSlots() {
      return bookingSlots;
    }

    public Bookings bookings() {
      return bookings;
    }
  }

  public OAuthStates oauthStates() {
    return oauthStates;
  }

  public WebhookEndpoints webhookEndpoints() {
    return webhookEndpoints;
  }

  public WebhookTargets webhookTargets() {
    return webhookTargets;
  }

  public WebhookDeliveryLog webhookLog() {
    return webhookLog;
  }

  public PlatformSettings platformSettings() {
    return platformSettings;
  }

  public PlatformDashboard dashboard() {
    return dashboard;
  }

  public Users users() {
    return users;
  }

  public MeetingHistory history() {
    return history;
  }

  public MeetingEvents meetingEvents() {
    return meetingEvents;
  }

  public Idempotency idempotency() {
    return idempotency;
  }

  public Handler<RoutingContext> authentication() {
    return authentication;
  }

  /** The per-credential rate limit, or a handler that passes every request on when it is off. */
  public Handler<RoutingContext> rateLimit() {
    return rateLimiter != null ? rateLimiter : OFF;
  }

  /** The failed-authentication limit per client address, or a pass-through when it is off. */
  public Handler<RoutingContext> failedAuthLimit() {
    return failedAuthLimiter != null ? failedAuthLimiter : OFF;
  }

  /** The public surface's limit per client address, or a pass-through when it is off. */
  public Handler<RoutingContext> publicRateLimit() {
    return publicRateLimiter != null ? publicRateLimiter : OFF;
  }

  /**
   * The limits' upkeep: buckets that refilled hold nothing a new one would not, so dropping them every minute
   * bounds the memory; with {@code rate_limit_scope = cluster} the nodes reconcile their buckets.
   */
  public void keepLimits() {
    List<TokenBuckets> buckets = new ArrayList<>();
    if (rateLimiter != null) {
      buckets.add(rateLimiter.buckets());
    }
    if (failedAuthLimiter != null) {
      buckets.add(failedAuthLimiter.buckets());
    }
    if (publicRateLimiter != null) {
      buckets.add(publicRateLimiter.buckets());
    }
    vertx.setPeriodic(60_000L, tick -> buckets.forEach(TokenBuckets::forgetFull));
    ClusterBuckets.reconcileIfClusterScope(vertx, config, pool, rateLimiter, failedAuthLimiter);
  }
}
