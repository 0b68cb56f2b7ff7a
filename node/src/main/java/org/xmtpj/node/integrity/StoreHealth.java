package org.xmtpj.node.integrity;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmtpj.store.EventStore;
import org.xmtpj.store.EventStores;
import org.xmtpj.store.StoreDamagedException;

/**
 * Damage that surfaces while serving (docs/replication.md §7): the database answers SQLITE_CORRUPT (or PostgreSQL's
 * XX001/XX002) for a page or an index that the start-time check passed. Retrying cannot help and the rest of the
 * file may still be fine, so the node keeps serving what it can read, answers what it cannot with 503
 * {@code store_damaged} (so the client tries another node), reports NOT_SERVING on its health checks (so a load
 * balancer or supervisor takes it out and restarts it), and marks the store so that the next start runs the full
 * integrity check and rebuilds what is damaged, fetching the rest from peers.
 */
public final class StoreHealth {
  private static final Logger LOG = LoggerFactory.getLogger(StoreHealth.class);

  private final Path dataDir;
  private final Runnable onFirstDamage;
  private final AtomicReference<String> damage = new AtomicReference<>();

  /** @param onFirstDamage run once, on the first damage seen (the gRPC health switches to NOT_SERVING) */
  public StoreHealth(Path dataDir, PrometheusRegistry registry, Runnable onFirstDamage) {
    this.dataDir = dataDir;
    this.onFirstDamage = onFirstDamage;
    GaugeWithCallback.builder().name("xmtpd_store_damaged")
        .help("1 once the store reported damage while serving (the node repairs it at its next start)")
        .callback(cb -> cb.call(damaged() ? 1 : 0)).register(registry);
  }

  public boolean damaged() {
    return damage.get() != null;
  }

  /**
   * The store as the node uses it: every call that fails with {@link StoreDamagedException} is reported here
   * first. A proxy rather than a hand-written decorator, so that no method of the store contract can be missed.
   */
  public EventStore watch(EventStore store) {
    InvocationHandler handler = (proxy, method, args) -> {
      try {
        return method.invoke(store, args);
      } catch (InvocationTargetException e) {
        if (e.getCause() instanceof StoreDamagedException d) {
          report(d);
        }
        throw e.getCause();
      }
    };
    return (EventStore) Proxy.newProxyInstance(EventStore.class.getClassLoader(), new Class<?>[] {EventStore.class},
        handler);
  }

  void report(StoreDamagedException e) {
    if (!damage.compareAndSet(null, e.getMessage())) {
      return;
    }
    LOG.error("the store reported damage while serving ({}): answering 503 store_damaged where it cannot read,"
        + " health NOT_SERVING; restart the node, and its start check rebuilds the store from its readable rows"
        + " and fetches the rest from peers", e.getMessage());
    try {
      EventStores.markDamaged(dataDir, e.getMessage());
    } catch (RuntimeException markFailed) {
      LOG.error("could not mark the store for a full check at the next start: run it with a full check by hand",
          markFailed);
    }
    onFirstDamage.run();
  }
}
