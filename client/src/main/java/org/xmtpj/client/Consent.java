package org.xmtpj.client;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.xmtp.proto.message.api.v1.Envelope;
import org.xmtp.proto.message.contents.PrivatePreferencesAction;

/**
 * Allow and deny lists, kept encrypted on the user's private preferences topic exactly as xmtp-js keeps them, so a
 * decision made in either SDK holds in the other. The list is the replay of all actions in timestamp order.
 */
public final class Consent {
  private final ClientContext ctx;
  private final String topic;
  private final Map<String, ConsentState> states = new HashMap<>();
  private boolean loaded;
  private final List<SkippedEnvelope> skipped = new ArrayList<>();

  Consent(ClientContext ctx) {
    this.ctx = ctx;
    this.topic = ConsentCodec.topic(ctx.me());
  }

  /** Records that the user allows these addresses (publishes one action). */
  public void allow(String... addresses) {
    publish(PrivatePreferencesAction.newBuilder()
        .setAllowAddress(PrivatePreferencesAction.AllowAddress.newBuilder().addAllWalletAddresses(checksums(addresses)))
        .build(), ConsentState.ALLOWED, addresses);
  }

  /** Records that the user denies these addresses (publishes one action). */
  public void deny(String... addresses) {
    publish(PrivatePreferencesAction.newBuilder()
        .setDenyAddress(PrivatePreferencesAction.DenyAddress.newBuilder().addAllWalletAddresses(checksums(addresses)))
        .build(), ConsentState.DENIED, addresses);
  }

  /** The current decision for an address, read fresh from the network. */
  public ConsentState state(String address) {
    return refresh().getOrDefault(IdentitySetup.checksum(address), ConsentState.UNKNOWN);
  }

  /** Replays the whole preferences topic; returns every address with a decision. */
  public synchronized Map<String, ConsentState> refresh() {
    List<Envelope> envelopes = new ArrayList<>(ctx.api().queryAll(topic, 0, 0, false, 0));
    envelopes.sort(Comparator.comparingLong(Envelope::getTimestampNs));
    // xmtp-js keys actions by timestamp, so of two actions with one timestamp only the later-read one counts
    TreeMap<Long, PrivatePreferencesAction> actions = new TreeMap<>();
    skipped.clear();
    for (Envelope e : envelopes) {
      try {
        actions.put(e.getTimestampNs(), ConsentCodec.open(ctx.me(), e.getMessage().toByteArray()));
      } catch (InvalidDataException ex) {
        skipped.add(new SkippedEnvelope(e.getContentTopic(), e.getTimestampNs(), ex.getMessage()));
      }
    }
    states.clear();
    actions.values().forEach(this::apply);
    loaded = true;
    return Map.copyOf(states);
  }

  /** Preference envelopes the last refresh could not read, and why. */
  public synchronized List<SkippedEnvelope> skipped() {
    return List.copyOf(skipped);
  }

  /** The state as last read (reading once if never read): used on the send path, where a query per send is waste. */
  synchronized ConsentState cachedState(String address) {
    if (!loaded) {
      refresh();
    }
    return states.getOrDefault(address, ConsentState.UNKNOWN);
  }

  private void apply(PrivatePreferencesAction a) {
    if (a.hasAllowAddress()) {
      a.getAllowAddress().getWalletAddressesList().forEach(w -> put(w, ConsentState.ALLOWED));
    } else if (a.hasDenyAddress()) {
      a.getDenyAddress().getWalletAddressesList().forEach(w -> put(w, ConsentState.DENIED));
    }
  }

  private void put(String address, ConsentState state) {
    try {
      states.put(IdentitySetup.checksum(address), state);
    } catch (IllegalArgumentException ignored) {
      // an action naming something that is not an address has nothing to say about addresses
    }
  }

  private synchronized void publish(PrivatePreferencesAction action, ConsentState state, String... addresses) {
    if (addresses.length == 0) {
      throw new IllegalArgumentException("no addresses given");
    }
    byte[] payload = ConsentCodec.seal(ctx.me(), action, ctx.random());
    ctx.api().publish(List.of(IdentitySetup.envelope(topic, ctx.api().nowNs(), payload)));
    for (String a : checksums(addresses)) {
      states.put(a, state);
    }
  }

  private static List<String> checksums(String... addresses) {
    return Arrays.stream(addresses).map(IdentitySetup::checksum).toList();
  }
}
