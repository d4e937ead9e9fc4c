# syntax=docker/dockerfile:1
# Convene: build the fat jar, then run it on a slim JRE as an unprivileged user.
# Configure it only through CONVENE_* variables; in production point it at an external
# PostgreSQL (CONVENE_DATABASE_URL) and give every instance the same CONVENE_SECRETS_KEY.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY conf conf
COPY src src
RUN mvn -B -q -DskipTests package

FROM eclipse-temurin:17-jre-jammy
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 convene \
 && useradd --system --uid 10001 --gid convene --home-dir /var/lib/convene --create-home convene
COPY --from=build /src/target/convene.jar /opt/convene/convene.jar
COPY conf/jvm.options /opt/convene/jvm.options
USER convene
WORKDIR /var/lib/convene
ENV CONVENE_HTTP_HOST=0.0.0.0 \
    CONVENE_HTTP_PORT=8080 \
    CONVENE_DATA_DIR=/var/lib/convene
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${CONVENE_HTTP_PORT}/health/ready" || exit 1
# Exec form: java is PID 1 and gets SIGTERM directly, so shutdown hooks run. The JVM options (a bounded heap)
# are conf/jvm.options; mount another file over /opt/convene/jvm.options to change them.
ENTRYPOINT ["java", "@/opt/convene/jvm.options", "-jar", "/opt/convene/convene.jar"]
