package org.xmtpj.testing.sim;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.xmtpj.dag.OriginKey;

/**
 * Calls and estimated frame bytes per call type and link, as the simulated network saw them. A frame's size is
 * estimated as the sum of its event encodings plus a fixed overhead per event and per message.
 */
public final class NetStats {
  /**
   * One call, as seen when the caller sent it.
   *
   * @param events events carried by the request (pushes)
   * @param subject what the call is about, if anything: the topic of TOPIC_RANGE and ANCESTORS, the origin of
   *     ORIGIN_RANGE; null otherwise
   */
  public record Call(CallType type, OriginKey from, OriginKey to, long requestBytes, int events, Object subject,
      long atMs) {}

  private record Key(CallType type, OriginKey from, OriginKey to) {}

  private final Map<Key, long[]> byLink = new HashMap<>(); // {calls, requestBytes, responses, responseBytes}
  private final List<Consumer<Call>> observers = new ArrayList<>();

  /** Called for every call the network carries (tests count specific calls with it). */
  public void observe(Consumer<Call> observer) {
    observers.add(observer);
  }

  void request(Call call) {
    long[] s = byLink.computeIfAbsent(new Key(call.type(), call.from(), call.to()), k -> new long[4]);
    s[0]++;
    s[1] += call.requestBytes();
    observers.forEach(o -> o.accept(call));
  }

  void response(CallType type, OriginKey from, OriginKey to, long bytes) {
    long[] s = byLink.computeIfAbsent(new Key(type, from, to), k -> new long[4]);
    s[2]++;
    s[3] += bytes;
  }

  public void reset() {
    byLink.clear();
  }

  /** Calls of this type (from and to may be null: any). */
  public long calls(CallType type, OriginKey from, OriginKey to) {
    return sum(type, from, to, 0);
  }

  public long calls(CallType type) {
    return calls(type, null, null);
  }

  /** Request plus response bytes of this type (from and to may be null: any). */
  public long bytes(CallType type, OriginKey from, OriginKey to) {
    return sum(type, from, to, 1) + sum(type, from, to, 3);
  }

  public long bytes(CallType type) {
    return bytes(type, null, null);
  }

  public long totalCalls() {
    long n = 0;
    for (CallType t : CallType.values()) {
      n += calls(t);
    }
    return n;
  }

  public long totalBytes() {
    long n = 0;
    for (CallType t : CallType.values()) {
      n += bytes(t);
    }
    return n;
  }

  /** Per type: calls and bytes, for reports. */
  public Map<CallType, long[]> summary() {
    Map<CallType, long[]> out = new EnumMap<>(CallType.class);
    for (CallType t : CallType.values()) {
      if (calls(t) > 0) {
        out.put(t, new long[] {calls(t), bytes(t)});
      }
    }
    return out;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    summary().forEach((t, s) -> b.append(t).append('=').append(s[0]).append(" calls/").append(s[1])
        .append(" B "));
    return b.toString().trim();
  }

  private long sum(CallType type, OriginKey from, OriginKey to, int field) {
    long n = 0;
    for (var e : byLink.entrySet()) {
      Key k = e.getKey();
      if (k.type() == type && (from == null || from.equals(k.from())) && (to == null || to.equals(k.to()))) {
        n += e.getValue()[field];
      }
    }
    return n;
  }
}
