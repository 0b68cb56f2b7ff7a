package org.xmtpj.compat;

import java.util.ArrayList;
import java.util.List;

/** The figures {@link ChaosReplicationIT} measures during its fault schedule, and its one-paragraph report. */
final class ChaosFigures {
    static final long FAST_DELIVERY_MS = 300;
    long node2RestartMs;
    int receivedWhile13Cut;
    int receivedWhileNode3Isolated;
    long node3CaughtUpAfterHealMs;
    long convergedAfterLastSendMs;
    long cut13FromMs;
    long cut13ToMs;
    long isolationHealedAtMs;

    String report(ChaosScript script, String convergence) {
        List<Long> all = new ArrayList<>();
        List<Long> via2 = new ArrayList<>();
        script.deliveryDelays((sentAtMs, delayMs) -> {
            all.add(delayMs);
            if (sentAtMs >= cut13FromMs && sentAtMs < cut13ToMs) {
                via2.add(delayMs);
            }
        });
        // the first message sent after the isolation healed that reached bob about as fast as before the faults
        long pushesResumedMs = script.ackedAtMs.entrySet().stream()
                .filter(e -> e.getValue() >= isolationHealedAtMs)
                .filter(e -> script.firstReceivedAtMs.containsKey(e.getKey())
                        && script.firstReceivedAtMs.get(e.getKey()) - e.getValue() < FAST_DELIVERY_MS)
                .mapToLong(e -> e.getValue() - isolationHealedAtMs).min().orElse(-1);
        return "chaos: " + script.acked.size() + " messages acknowledged on node 1 (" + script.failedSends.size()
                + " failed), " + script.receivedList().size() + " delivered by bob's stream on node 3 (0"
                + " duplicates, 0 missing); node 2 SIGKILLed and restarted (healthy again in " + node2RestartMs
                + " ms); " + receivedWhile13Cut + " delivered while 1↔3 was cut, " + receivedWhileNode3Isolated
                + " while node 3 was isolated; node 3 caught up " + node3CaughtUpAfterHealMs
                + " ms after the heal; the 3 nodes agreed " + convergedAfterLastSendMs
                + " ms after the last send (" + convergence + ").\nsend→stream delay (ack on node 1 to delivery on node 3):"
                + " all " + percentiles(all) + "; sent while 1↔3 was cut " + percentiles(via2)
                + "; after node 3's isolation healed, the first message delivered within " + FAST_DELIVERY_MS
                + " ms was sent " + pushesResumedMs + " ms after the heal";
    }

    private static String percentiles(List<Long> values) {
        if (values.isEmpty()) {
            return "(none)";
        }
        List<Long> sorted = values.stream().sorted().toList();
        return "n=" + sorted.size() + " p50=" + at(sorted, 0.5) + " ms p90=" + at(sorted, 0.9) + " ms max="
                + sorted.get(sorted.size() - 1) + " ms";
    }

    private static long at(List<Long> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(q * sorted.size())));
    }
}
