package org.xmtpj.testing.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.xmtpj.dag.CachingVerifier;
import org.xmtpj.dag.ClientEnvelope;
import org.xmtpj.dag.EnvelopeCursor;
import org.xmtpj.dag.SortDirection;
import org.xmtpj.store.Digest;
import org.xmtpj.store.EnvelopePage;
import org.xmtpj.store.EnvelopeQuery;
import org.xmtpj.store.EventStore;
import org.xmtpj.store.Evidence;
import org.xmtpj.store.TopicSummary;

/**
 * Checks a quiesced simulation (see {@link Simulation#quiesce}): no task or handler failed, every replica's store
 * is internally consistent, and all replicas hold the same event ids and heads per topic, the same vector, the
 * same topic summaries and evidence, every acknowledged publish, and answer client queries identically: full
 * reads in both directions, page sequences for page sizes 1, 7 and 100, and a cursor from one replica continued
 * on another. Every failure message starts with the seed and the command that replays it.
 */
public final class ConvergenceOracle {
  private static final int[] PAGE_SIZES = {1, 7, 100};

  private ConvergenceOracle() {}

  /** Checks every replica that was ever started and is not gone. */
  public static void assertConverged(Simulation sim) {
    assertConverged(sim, sim.replicas().stream().filter(r -> r.starts() > 0 && !r.isGone()).toList());
  }

  public static void assertConverged(Simulation sim, List<SimReplica> replicas) {
    String problem = check(sim, replicas);
    if (problem != null) {
      throw new AssertionError(sim.replay() + "\n  " + problem);
    }
  }

  /** The first divergence or failure found, or null. */
  public static String check(Simulation sim, List<SimReplica> replicas) {
    if (!sim.scheduler().errors().isEmpty()) {
      return "a task failed: " + stack(sim.scheduler().errors().get(0));
    }
    if (!sim.network().serverErrors().isEmpty()) {
      return "a handler failed: " + stack(sim.network().serverErrors().get(0));
    }
    for (SimReplica r : replicas) {
      if (!r.isUp()) {
        return r.name() + " is down";
      }
      var status = r.replicator().status();
      if (status.pending() > 0 || status.inFlight() > 0) {
        return r.name() + " is not quiet: " + status;
      }
    }
    CachingVerifier verifier = new CachingVerifier(100_000);
    List<ReplicaState> states = new ArrayList<>();
    for (SimReplica r : replicas) {
      ReplicaState s;
      try {
        s = ReplicaState.read(r.store(), verifier);
      } catch (RuntimeException e) {
        return r.name() + " holds an event that does not verify: " + e.getMessage();
      }
      String v = s.violation();
      if (v != null) {
        return r.name() + ": " + v;
      }
      states.add(s);
    }
    String d = compareStates(replicas, states);
    if (d == null) {
      d = compareBansAndAcks(replicas);
    }
    if (d == null) {
      d = compareQueries(replicas, states.get(0).topics());
    }
    return d;
  }

  private static String compareStates(List<SimReplica> rs, List<ReplicaState> states) {
    ReplicaState a = states.get(0);
    for (int i = 1; i < states.size(); i++) {
      ReplicaState b = states.get(i);
      String who = rs.get(0).name() + " vs " + rs.get(i).name();
      if (!a.ids().keySet().equals(b.ids().keySet())) {
        return who + ": topics differ: " + a.ids().keySet() + " vs " + b.ids().keySet();
      }
      for (var t : a.ids().keySet()) {
        if (!a.ids().get(t).equals(b.ids().get(t))) {
          return who + ": topic " + t + " has " + a.ids().get(t).size() + " vs " + b.ids().get(t).size()
              + " events; only in the first: " + minus(a.ids().get(t), b.ids().get(t)) + "; only in the second: "
              + minus(b.ids().get(t), a.ids().get(t));
        }
        if (!a.heads().get(t).equals(b.heads().get(t))) {
          return who + ": topic " + t + " heads " + a.heads().get(t) + " vs " + b.heads().get(t);
        }
      }
      if (!a.vector().equals(b.vector())) {
        return who + ": vectors " + a.vector() + " vs " + b.vector();
      }
      for (int k = 0; k < a.topics().size(); k++) {
        TopicSummary x = a.topics().get(k);
        TopicSummary y = b.topics().get(k);
        if (!x.key().equals(y.key()) || !Objects.equals(x.name(), y.name()) || x.events() != y.events()
            || !Arrays.equals(x.headsHash(), y.headsHash())) {
          return who + ": topic summaries differ at " + x.key() + ": " + x.name() + "/" + x.events() + " vs "
              + y.name() + "/" + y.events();
        }
      }
      if (!evidence(rs.get(0).store()).equals(evidence(rs.get(i).store()))) {
        return who + ": equivocation evidence " + evidence(rs.get(0).store()) + " vs "
            + evidence(rs.get(i).store());
      }
    }
    return null;
  }

  private static Set<String> evidence(EventStore store) {
    Set<String> out = new TreeSet<>();
    for (Evidence e : store.evidence(10_000)) {
      out.add(e.origin().hex() + "#" + e.originSeq());
    }
    return out;
  }

  private static String compareBansAndAcks(List<SimReplica> rs) {
    Set<ClientEnvelope> acked = new LinkedHashSet<>();
    rs.forEach(r -> acked.addAll(r.acked()));
    List<Digest> digests = acked.stream().map(e -> new Digest(e.digest())).toList();
    for (SimReplica r : rs) {
      Set<Digest> present = r.store().existingDigests(digests);
      if (present.size() != new HashSet<>(digests).size()) {
        return r.name() + " lacks " + (new HashSet<>(digests).size() - present.size())
            + " acknowledged publishes";
      }
      for (SimReplica other : rs) {
        if (other != r && r.replicator().isBanned(other.key())) {
          return r.name() + " has banned the honest replica " + other.name() + " (bans: " + r.metrics().bans()
              + ", rejections: " + r.metrics().rejections() + ")";
        }
      }
    }
    return null;
  }

  private static String compareQueries(List<SimReplica> rs, List<TopicSummary> topics) {
    for (TopicSummary t : topics) {
      if (t.name() == null) {
        continue;
      }
      List<ClientEnvelope> asc = all(rs.get(0).store(), t.name(), SortDirection.ASCENDING);
      List<ClientEnvelope> desc = all(rs.get(0).store(), t.name(), SortDirection.DESCENDING);
      if (!desc.equals(reversed(asc))) {
        return rs.get(0).name() + ": descending read of " + t.name() + " is not the reverse of the ascending one";
      }
      for (SimReplica r : rs) {
        if (!all(r.store(), t.name(), SortDirection.ASCENDING).equals(asc)
            || !all(r.store(), t.name(), SortDirection.DESCENDING).equals(desc)) {
          return rs.get(0).name() + " vs " + r.name() + ": full reads of " + t.name() + " differ";
        }
      }
      for (SortDirection dir : SortDirection.values()) {
        for (int size : PAGE_SIZES) {
          List<EnvelopePage> pages = pages(rs.get(0).store(), t.name(), dir, size);
          List<ClientEnvelope> joined = pages.stream().flatMap(p -> p.envelopes().stream()).toList();
          if (!joined.equals(dir == SortDirection.ASCENDING ? asc : desc)) {
            return rs.get(0).name() + ": pages of " + size + " (" + dir + ") of " + t.name()
                + " do not add up to the full read";
          }
          for (SimReplica r : rs.subList(1, rs.size())) {
            if (!pages(r.store(), t.name(), dir, size).equals(pages)) {
              return rs.get(0).name() + " vs " + r.name() + ": page sequences of size " + size + " (" + dir
                  + ") of " + t.name() + " differ";
            }
            String c = continueCursors(rs.get(0), r, t.name(), dir, pages, size);
            if (c != null) {
              return c;
            }
          }
        }
      }
    }
    return null;
  }

  /** Every cursor of A's page sequence, used on B, gives A's next page. */
  private static String continueCursors(SimReplica a, SimReplica b, String topic, SortDirection dir,
      List<EnvelopePage> pages, int size) {
    for (int k = 0; k + 1 < pages.size(); k++) {
      EnvelopeCursor c = pages.get(k).next();
      EnvelopePage onB = b.store().query(new EnvelopeQuery(List.of(topic), 0, 0, dir, c, size));
      if (!onB.equals(pages.get(k + 1))) {
        return "cursor " + k + " (size " + size + ", " + dir + ") of " + topic + " from " + a.name()
            + " continued on " + b.name() + " gives a different page";
      }
    }
    return null;
  }

  static List<ClientEnvelope> all(EventStore store, String topic, SortDirection dir) {
    return store.query(new EnvelopeQuery(List.of(topic), 0, 0, dir, null, Integer.MAX_VALUE)).envelopes();
  }

  static List<EnvelopePage> pages(EventStore store, String topic, SortDirection dir, int size) {
    List<EnvelopePage> out = new ArrayList<>();
    EnvelopeCursor cursor = null;
    do {
      EnvelopePage p = store.query(new EnvelopeQuery(List.of(topic), 0, 0, dir, cursor, size));
      out.add(p);
      cursor = p.next();
    } while (cursor != null);
    return out;
  }

  private static <T> List<T> reversed(List<T> list) {
    List<T> out = new ArrayList<>(list);
    java.util.Collections.reverse(out);
    return out;
  }

  private static <T> Set<T> minus(Set<T> a, Set<T> b) {
    Set<T> out = new TreeSet<>(a);
    out.removeAll(b);
    return out.size() > 5 ? Set.copyOf(new ArrayList<>(out).subList(0, 5)) : out;
  }

  private static String stack(Throwable t) {
    java.io.StringWriter w = new java.io.StringWriter();
    t.printStackTrace(new java.io.PrintWriter(w));
    String s = w.toString();
    return s.length() > 4_000 ? s.substring(0, 4_000) + "…" : s;
  }
}
