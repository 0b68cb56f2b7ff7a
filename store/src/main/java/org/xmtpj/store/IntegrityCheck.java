package org.xmtpj.store;

import java.util.Arrays;
import org.xmtpj.dag.ClientEnvelope;
import org.xmtpj.dag.EventCodec;
import org.xmtpj.dag.Payloads;
import org.xmtpj.dag.SignedEvent;

/**
 * Whether a stored row is what was written: its bytes decode strictly, hash to the id stored beside them (the id
 * covers the body: version, topic, origin, sequence, time, parents and the client's envelope), and an envelope
 * payload decodes. The cost is one SHA-256 over the body, which every client read decodes anyway.
 *
 * <p>The batch proof after the body is not covered by the id; a damaged proof makes a peer reject the event (it
 * verifies every signature), never a client see different bytes. The background scrub verifies proofs as well
 * ({@link #PROOF_DAMAGE}).
 */
final class IntegrityCheck {
  private IntegrityCheck() {}

  /**
   * The outcome for one row: the decoded event and its envelope (null for a merge event) if intact, else why not.
   */
  record Result(SignedEvent event, ClientEnvelope envelope, String damage) {
    boolean intact() {
      return damage == null;
    }
  }

  static Result check(byte[] storedId, byte[] raw) {
    if (raw == null || storedId == null) {
      return damaged("missing bytes");
    }
    SignedEvent e;
    try {
      e = EventCodec.decode(raw);
    } catch (RuntimeException undecodable) {
      return damaged("undecodable: " + undecodable.getMessage());
    }
    if (!Arrays.equals(e.id().bytes(), storedId)) {
      return damaged("bytes hash to " + e.id().hex() + ", not to the stored id");
    }
    if (!Payloads.carriesEnvelope(e.event())) {
      return new Result(e, null, null);
    }
    try {
      return new Result(e, Payloads.envelope(e.event()), null);
    } catch (RuntimeException undecodable) {
      return damaged("envelope undecodable: " + undecodable.getMessage());
    }
  }

  /** The reason a row is reported with when its body is intact and its batch proof or signature is not. */
  static final String PROOF_DAMAGE = "batch proof: ";

  /** Whether the row's batch proof and signature verify (a full Ed25519 check: for confirming a report). */
  static boolean proofVerifies(byte[] raw) {
    try {
      org.xmtpj.dag.EventVerifier.verify(raw);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static Result damaged(String why) {
    return new Result(null, null, why);
  }
}
