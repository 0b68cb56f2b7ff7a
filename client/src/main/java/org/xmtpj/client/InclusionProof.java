package org.xmtpj.client;

import java.util.List;
import java.util.Map;

/**
 * A node's proof that an envelope is within the cut of an epoch (docs/consensus.md §6). Check it with
 * {@link InclusionVerifier} against the root recorded on chain; a node's word alone proves nothing.
 *
 * @param epoch the epoch whose cut it proves against
 * @param cut the cut: origin node key (hex) → watermark
 * @param cutHash the cut's hash
 * @param root the state root of the cut, as the node computed it
 * @param path canonical event bodies: the envelope's event first, then each child in turn, ending at a head
 * @param heads the topic's heads within the cut
 * @param siblings the state proof of the topic's leaf
 */
public record InclusionProof(long epoch, Map<String, Long> cut, byte[] cutHash, byte[] root, List<byte[]> path,
    List<byte[]> heads, List<byte[]> siblings) {
  public InclusionProof {
    cut = Map.copyOf(cut);
    path = List.copyOf(path);
    heads = List.copyOf(heads);
    siblings = List.copyOf(siblings);
  }
}
