package io.convene;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.convene.config.ConfigLoader;
import io.convene.config.Settings;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * deploy/kubernetes and deploy/compose.yaml cannot be applied here; they are parsed (fabric8's
 * Kubernetes model, SnakeYAML for Compose with its merge keys) and held to Convene's own
 * configuration: every CONVENE_* they set exists, the values validate, probes answer 200 on a
 * running node of the same kind, ports and selectors match, the shutdown timings fit in the grace period.
 */
class DeploymentManifestsTest {
  private static final Path KUBERNETES = Path.of("deploy", "kubernetes");
  private static final ObjectMapper YAML = new YAMLMapper(new YAMLFactory());
  private static final Map<Class<?>, List<Object>> RESOURCES = new HashMap<>();

  @BeforeAll
  static void parse() throws IOException {
    Map<String, Class<?>> kinds = Map.of("ConfigMap", ConfigMap.class, "Secret", Secret.class, "Deployment", Deployment.class,
        "Service", Service.class, "PodDisruptionBudget", PodDisruptionBudget.class,
        "HorizontalPodAutoscaler", HorizontalPodAutoscaler.class);
    List<Path> files;
    try (Stream<Path> list = Files.list(KUBERNETES)) {
      files = list.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    for (Path file : files) {
      try (var parser = YAML.getFactory().createParser(file.toFile())) {
        for (JsonNode doc : YAML.readValues(parser, JsonNode.class).readAll()) {
          Class<?> type = kinds.get(doc.path("kind").asText());
          assertNotNull(type, file + ": unexpected kind " + doc.path("kind"));
          RESOURCES.computeIfAbsent(type, k -> new ArrayList<>()).add(YAML.treeToValue(doc, type));
        }
      }
    }
    for (Class<?> kind : kinds.values()) {
      assertTrue(RESOURCES.containsKey(kind), "deploy/kubernetes has a " + kind.getSimpleName());
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> List<T> all(Class<T> type) {
    return (List<T>) RESOURCES.get(type);
  }

  private static <T> T one(Class<T> type) {
    assertEquals(1, all(type).size(), type.getSimpleName());
    return all(type).get(0);
  }

  private static Deployment deployment(String name) {
    return all(Deployment.class).stream().filter(d -> d.getMetadata().getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no Deployment " + name));
  }

  private static Set<String> knownEnv() {
    Set<String> known = new HashSet<>();
    Settings.ALL.forEach(setting -> known.add(setting.envName()));
    known.add("CONVENE_CONFIG");
    return known;
  }

  private static Map<String, String> configMap() {
    return one(ConfigMap.class).getData();
  }

  private static int seconds(String key) {
    return Integer.parseInt(configMap().get(key));
  }

  @Test
  void everyConveneVariableTheyExistAndTheConfigMapValidates() {
    Set<String> set = new HashSet<>(configMap().keySet());
    set.addAll(one(Secret.class).getStringData().keySet());
    for (Deployment d : all(Deployment.class)) {
      Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
      c.getEnv().stream().map(EnvVar::getName).forEach(set::add);
      for (EnvFromSource from : c.getEnvFrom()) {
        assertTrue(from.getConfigMapRef() != null
                ? from.getConfigMapRef().getName().equals(one(ConfigMap.class).getMetadata().getName())
                : from.getSecretRef().getName().equals(one(Secret.class).getMetadata().getName()),
            d.getMetadata().getName() + " takes its environment from this ConfigMap and Secret");
      }
    }
    Set<String> unknown = new HashSet<>(set);
    unknown.removeAll(knownEnv());
    assertEquals(Set.of(), unknown, "CONVENE_* names Convene does not read");
    assertTrue(set.containsAll(Set.of("CONVENE_DATABASE_URL", "CONVENE_SECRETS_KEY", "CONVENE_WORKERS")));

    Map<String, String> env = new HashMap<>(configMap());
    env.put("CONVENE_DATABASE_URL", "postgresql://convene:pw@postgres:5432/convene");
    env.put("CONVENE_SECRETS_KEY", TestApp.SECRETS_KEY);
    for (Deployment d : all(Deployment.class)) {
      d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().forEach(e -> env.put(e.getName(), e.getValue()));
      ConfigLoader.load(new String[0], env);
    }
  }

  @Test
  void portsAndSelectorsMatch() throws IOException {
    int port = Integer.parseInt(configMap().get("CONVENE_HTTP_PORT"));
    Matcher exposed = Pattern.compile("(?m)^EXPOSE (\\d+)$").matcher(Files.readString(Path.of("Dockerfile")));
    assertTrue(exposed.find());
    assertEquals(port, Integer.parseInt(exposed.group(1)), "the Dockerfile exposes the configured port");
    for (Deployment d : all(Deployment.class)) {
      assertEquals(d.getSpec().getSelector().getMatchLabels(), d.getSpec().getTemplate().getMetadata().getLabels(),
          d.getMetadata().getName() + ": the selector picks its own pods");
      Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
      ContainerPort http = c.getPorts().stream().filter(p -> "http".equals(p.getName())).findFirst().orElseThrow();
      assertEquals(port, http.getContainerPort());
      assertEquals(Map.of(), c.getAdditionalProperties(), "container fields Kubernetes does not know (misspelt?)");
      assertEquals(Map.of(), d.getSpec().getTemplate().getSpec().getAdditionalProperties(), "unknown pod fields");
      for (Probe probe : List.of(c.getStartupProbe(), c.getLivenessProbe(), c.getReadinessProbe())) {
        assertEquals(Map.of(), probe.getAdditionalProperties(), "unknown probe fields");
        assertEquals(Map.of(), probe.getHttpGet().getAdditionalProperties(), "unknown httpGet fields");
        IntOrString target = probe.getHttpGet().getPort();
        assertTrue("http".equals(target.getStrVal()) || Integer.valueOf(port).equals(target.getIntVal()), "probe port " + target);
      }
      assertNotNull(c.getResources().getRequests().get("cpu"), "a CPU request (the autoscaler needs it)");
      assertNotNull(c.getResources().getRequests().get("memory"));
    }
    Deployment api = deployment("convene-api");
    Service service = one(Service.class);
    assertEquals(service.getSpec().getSelector(), api.getSpec().getSelector().getMatchLabels(), "the Service routes to API pods only");
    assertEquals("http", service.getSpec().getPorts().get(0).getTargetPort().getStrVal());
    assertEquals(api.getSpec().getSelector().getMatchLabels(), one(PodDisruptionBudget.class).getSpec().getSelector().getMatchLabels());
    HorizontalPodAutoscaler hpa = one(HorizontalPodAutoscaler.class);
    assertEquals("Deployment", hpa.getSpec().getScaleTargetRef().getKind());
    assertEquals("convene-api", hpa.getSpec().getScaleTargetRef().getName());
    assertTrue(hpa.getSpec().getMinReplicas() >= 2, "no single API pod");
  }

  @Test
  void preStopMatchesTheShutdownDelayAndTheGracePeriodCoversTheDrain() {
    int delay = seconds("CONVENE_SHUTDOWN_DELAY_SECONDS");
    int drain = seconds("CONVENE_SHUTDOWN_DRAIN_SECONDS");
    assertTrue(delay > 0, "readiness fails before the listener closes");
    for (Deployment d : all(Deployment.class)) {
      Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
      assertEquals(List.of("sleep", String.valueOf(delay)), c.getLifecycle().getPreStop().getExec().getCommand(),
          d.getMetadata().getName() + ": preStop sleeps the shutdown delay");
      long grace = d.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
      assertTrue(grace >= 2L * delay + drain + 5, d.getMetadata().getName() + ": grace " + grace + " s");
    }
  }

  /** The probes of each Deployment answer 200 on a node started with that Deployment's workers. */
  @Test
  void probesHitRealRoutes() {
    for (Deployment d : all(Deployment.class)) {
      Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
      String workers = c.getEnv().stream().filter(e -> e.getName().equals("CONVENE_WORKERS")).findFirst().orElseThrow().getValue();
      // A node per Vert.x, as in a pod: event-bus codecs and addresses are per process.
      Vertx vertx = Vertx.vertx();
      try {
        TestApp node = TestApp.start(vertx, Map.of("CONVENE_WORKERS", workers)).await();
        for (Probe probe : List.of(c.getStartupProbe(), c.getLivenessProbe(), c.getReadinessProbe())) {
          HTTPGetAction get = probe.getHttpGet();
          assertEquals(200, node.client.get(get.getPath()).send().await().statusCode(),
              d.getMetadata().getName() + " probe " + get.getPath() + " on a node running " + workers);
        }
      } finally {
        vertx.close().await();
      }
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void composeSetsOnlyKnownVariablesAndItsBalancerChecksReadiness() throws IOException {
    Map<String, Object> compose;
    try (Reader in = Files.newBufferedReader(Path.of("deploy", "compose.yaml"))) {
      compose = new Yaml().load(in);
    }
    Map<String, Object> services = (Map<String, Object>) compose.get("services");
    String haproxy = Files.readString(Path.of("deploy", "haproxy", "compose.cfg"));
    assertTrue(haproxy.contains("option httpchk GET /health/ready"), "the balancer checks readiness");
    int convene = 0;
    for (Map.Entry<String, Object> service : services.entrySet()) {
      Map<String, Object> spec = (Map<String, Object>) service.getValue();
      Map<String, Object> env = (Map<String, Object>) spec.getOrDefault("environment", Map.of());
      if (!env.containsKey("CONVENE_WORKERS")) {
        continue;
      }
      convene++;
      Set<String> unknown = new HashSet<>(env.keySet());
      unknown.removeAll(knownEnv());
      assertEquals(Set.of(), unknown, service.getKey() + " sets CONVENE_* names Convene does not read");
      int delay = Integer.parseInt(env.get("CONVENE_SHUTDOWN_DELAY_SECONDS").toString());
      int drain = Integer.parseInt(env.get("CONVENE_SHUTDOWN_DRAIN_SECONDS").toString());
      int grace = Integer.parseInt(spec.get("stop_grace_period").toString().replace("s", ""));
      assertTrue(grace >= delay + drain + 5, service.getKey() + ": stop_grace_period " + grace + " s");
      if (env.get("CONVENE_WORKERS").toString().contains("api")) {
        assertTrue(haproxy.contains("server " + service.getKey() + " " + service.getKey() + ":" + env.get("CONVENE_HTTP_PORT")),
            "HAProxy sends to " + service.getKey() + " on its port");
      }
    }
    assertEquals(3, convene, "two API nodes and a worker node");
    assertTrue(services.containsKey("postgres") && services.containsKey("lb"));
  }
}
