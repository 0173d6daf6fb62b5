package io.stagecred.demo;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.stagecred.api.DeploymentCredential;
import io.stagecred.config.StagecredConfig;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Demo mode's user interface: prints the stage table whenever it changes (and at least every
 * minute), and mirrors managed Secrets into the output folder like a kubelet.
 */
@Singleton
public class DemoConsole {

  private static final Logger LOG = Logger.getLogger(DemoConsole.class);

  private ScheduledExecutorService printer;
  private SecretMirror mirror;
  private String lastTable = "";
  private long lastPrinted;

  // The client comes through Instance: an injected parameter would be created before the mode
  // check, so every mode (the sidecar's too) would build a Kubernetes client it never uses.
  void onStart(
      @Observes StartupEvent event,
      StagecredConfig config,
      Instance<KubernetesClient> clients,
      Clock clock) {
    if (!"demo".equals(config.mode())) {
      return;
    }
    KubernetesClient client = clients.get();
    config
        .demo()
        .outputDir()
        .ifPresent(
            dir -> {
              mirror = new SecretMirror(dir, clock).start(client);
              LOG.infof("mirroring managed Secrets to %s/<namespace>/<secret>/<key>", dir);
            });
    printer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "stagecred-demo-table");
              t.setDaemon(true);
              return t;
            });
    long every = config.demo().tableInterval().toMillis();
    printer.scheduleWithFixedDelay(() -> print(client, clock), every, every, TimeUnit.MILLISECONDS);
  }

  private void print(KubernetesClient client, Clock clock) {
    try {
      var resources =
          client.resources(DeploymentCredential.class).inAnyNamespace().list().getItems();
      String table = StageTable.render(resources, clock.instant());
      long now = clock.millis();
      // Times in the table move every second; print when a stage's state changed, or every minute.
      String shape = table.replaceAll("[0-9]+[hms]", "");
      if (!shape.equals(lastTable) || now - lastPrinted > 60_000) {
        System.out.println();
        System.out.println(table);
        lastTable = shape;
        lastPrinted = now;
      }
    } catch (RuntimeException e) {
      LOG.debugf("stage table not printed: %s", e.getClass().getSimpleName());
    }
  }

  void onStop(@Observes ShutdownEvent event) {
    if (printer != null) {
      printer.shutdownNow();
    }
    if (mirror != null) {
      mirror.close();
    }
  }
}
