package io.convene.observability;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import io.convene.config.ObservabilityConfig;
import net.logstash.logback.encoder.LogstashEncoder;
import net.logstash.logback.fieldnames.LogstashFieldNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Iterator;

/**
 * Switches the console log between the text of {@code logback.xml} and JSON ({@code log_format}), once the
 * configuration is read: one JSON object a line, with {@code timestamp}, {@code level}, {@code logger},
 * {@code message} and, while a request runs, {@code request_id}, {@code tenant_id} and {@code route}.
 */
public final class LogFormat {
  private static Encoder<ILoggingEvent> text;

  private LogFormat() {
  }

  public static synchronized void use(String format) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
      if (it.next() instanceof OutputStreamAppender<ILoggingEvent> console) {
        if (text == null) {
          text = console.getEncoder();
        }
        Encoder<ILoggingEvent> encoder = ObservabilityConfig.JSON.equals(format) ? json(context) : text;
        if (console.getEncoder() != encoder) {
          console.stop();
          console.setEncoder(encoder);
          console.start();
        }
      }
    }
  }

  static LogstashEncoder json(LoggerContext context) {
    LogstashEncoder encoder = new LogstashEncoder();
    encoder.setContext(context);
    LogstashFieldNames names = encoder.getFieldNames();
    names.setTimestamp("timestamp");
    names.setLogger("logger");
    names.setThread("thread");
    names.setVersion(LogstashFieldNames.IGNORE_FIELD_INDICATOR);
    names.setLevelValue(LogstashFieldNames.IGNORE_FIELD_INDICATOR);
    encoder.addProvider(new RequestFields());
    encoder.start();
    return encoder;
  }
}
