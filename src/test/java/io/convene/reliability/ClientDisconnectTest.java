package io.convene.reliability;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.convene.Eventually;
import io.convene.RawConnection;
import io.convene.TestApp;
import io.convene.http.ErrorRenderer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A client that goes away mid-request is logged as a disconnect, at debug; a 503 line means the database only. */
@ExtendWith(VertxExtension.class)
class ClientDisconnectTest {

  @Test
  void aClientThatClosesMidBodyIsADebugLineNotAnOutage(Vertx vertx) {
    TestApp app = TestApp.start(vertx).await();
    Logger logger = (Logger) LoggerFactory.getLogger(ErrorRenderer.class);
    Level before = logger.getLevel();
    List<ILoggingEvent> events = new CopyOnWriteArrayList<>();
    AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
      @Override
      protected void append(ILoggingEvent event) {
        events.add(event);
      }
    };
    appender.start();
    logger.addAppender(appender);
    logger.setLevel(Level.DEBUG);
    try {
      RawConnection gone = RawConnection.open(vertx, app.config.httpPort()).await().write("POST /v1/schedule HTTP/1.1\r\n"
          + "Host: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"title\": ");
      gone.close();
      gone.closed().await();
      Eventually.until(vertx, () -> Future.succeededFuture(events.size()), n -> n > 0);
      ILoggingEvent event = events.get(0);
      assertEquals(1, events.size(), events.toString());
      assertEquals(Level.DEBUG, event.getLevel());
      assertEquals("POST /v1/schedule (" + event.getArgumentArray()[2] + "): the client closed the connection",
          event.getFormattedMessage());
    } finally {
      logger.detachAppender(appender);
      logger.setLevel(before);
    }
  }
}
