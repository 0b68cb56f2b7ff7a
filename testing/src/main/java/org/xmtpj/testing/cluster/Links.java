package org.xmtpj.testing.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.xmtpj.testing.FaultProxy;

/**
 * The directed node-to-node links of a cluster: either direct (node i dials node j's replication port) or each
 * through its own {@link FaultProxy}, so that a test can cut, stall or slow one direction of one pair.
 */
final class Links implements AutoCloseable {
  private final FaultProxy[][] proxies; // null: direct links

  private Links(FaultProxy[][] proxies) {
    this.proxies = proxies;
  }

  static Links direct() {
    return new Links(null);
  }

  /**
   * A proxy per directed pair, bound (port 0) before any node runs and forwarding nowhere until
   * {@link #connect(List)} points it at its node.
   */
  static Links proxied(int nodes, Duration latency) {
    FaultProxy[][] p = new FaultProxy[nodes][nodes];
    Links links = new Links(p);
    try {
      for (int i = 0; i < nodes; i++) {
        for (int j = 0; j < nodes; j++) {
          if (i != j) {
            p[i][j] = FaultProxy.startUnbound("n" + (i + 1) + "->n" + (j + 1));
            p[i][j].latency(latency);
          }
        }
      }
      return links;
    } catch (RuntimeException e) {
      links.close();
      throw e;
    }
  }

  boolean proxied() {
    return proxies != null;
  }

  /** Points every proxy at the replication port of the node it leads to; a no-op for direct links. */
  void connect(List<ClusterNode> nodes) {
    if (proxies == null) {
      return;
    }
    for (int i = 0; i < proxies.length; i++) {
      for (int j = 0; j < proxies.length; j++) {
        if (proxies[i][j] != null) {
          proxies[i][j].retarget(nodes.get(j).replicationPort());
        }
      }
    }
  }

  /** The port node {@code from} dials to reach node {@code to}. */
  int portFor(int from, ClusterNode to) {
    return proxied() ? proxies[from][to.index()].port() : to.replicationPort();
  }

  FaultProxy proxy(int from, int to) {
    if (!proxied()) {
      throw new IllegalStateException("the cluster's links are direct: build it with faultProxies(latency)");
    }
    if (from == to || proxies[from][to] == null) {
      throw new IllegalArgumentException("no link from node " + from + " to node " + to);
    }
    return proxies[from][to];
  }

  /** Every proxy (none for direct links). */
  List<FaultProxy> all() {
    List<FaultProxy> out = new ArrayList<>();
    if (proxies != null) {
      for (FaultProxy[] row : proxies) {
        for (FaultProxy p : row) {
          if (p != null) {
            out.add(p);
          }
        }
      }
    }
    return out;
  }

  @Override
  public void close() {
    all().forEach(FaultProxy::close);
  }
}
