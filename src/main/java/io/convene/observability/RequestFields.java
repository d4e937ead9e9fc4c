package io.convene.observability;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.core.JsonGenerator;
import net.logstash.logback.composite.AbstractJsonProvider;

import java.io.IOException;

/**
 * The JSON log's {@code request_id}, {@code tenant_id} and {@code route}, for lines logged while a request runs
 * (the access log's lines carry their own).
 */
final class RequestFields extends AbstractJsonProvider<ILoggingEvent> {
  @Override
  public void writeTo(JsonGenerator generator, ILoggingEvent event) throws IOException {
    RequestLog.Current request = RequestLog.current();
    if (request == null || RequestLog.ACCESS_LOGGER.equals(event.getLoggerName())) {
      return;
    }
    generator.writeStringField("request_id", request.requestId());
    write(generator, "tenant_id", request.tenantId());
    write(generator, "route", request.route());
  }

  private static void write(JsonGenerator generator, String field, String value) throws IOException {
    if (value != null) {
      generator.writeStringField(field, value);
    }
  }
}
