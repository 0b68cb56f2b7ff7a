package org.xmtpj.client;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.xmtp.proto.message.api.v1.Envelope;
import org.xmtp.proto.message.contents.InvitationV1;

/** The user's V2 conversations: created by sealed invitations on both parties' invite topics. */
public final class Conversations {
  private final ClientContext ctx;
  private final Consent consent;
  private final Map<String, Conversation> byTopic = new LinkedHashMap<>();
  private final RecentIds readInvites = new RecentIds(100_000);
  private final List<SkippedEnvelope> skipped = new ArrayList<>();
  /** Per invite topic: a topic registered later is read from its beginning, not from the previous listing. */
  private final Map<String, Long> lastListedNs = new HashMap<>();

  Conversations(ClientContext ctx, Consent consent) {
    this.ctx = ctx;
    this.consent = consent;
  }

  /** A conversation with {@code peer}: the existing one, or a new one announced to both parties. */
  public Conversation newConversation(String peer) {
    return newConversation(peer, null, Map.of());
  }

  /**
   * A conversation with {@code peer} under an application conversation id (several may exist per peer, one per id).
   *
   * <p>The invitation goes, in one publish, to the peer's invite topic and to the user's: the topics registered
   * in the client's {@link IdentityDirectory}, or the conventional {@code /xmtp/0/invite-<address>/proto} for a
   * wallet without an entry (or a client without a directory).
   *
   * @throws IllegalArgumentException if the address is malformed or is the user's own
   * @throws XmtpException of kind NOT_ON_NETWORK if the peer has no XMTP identity on this network;
   *     IDENTITY_MISMATCH if its contact bundle contradicts its directory entry; UNSUPPORTED_POLICY if its invite
   *     topic requires a fee or a credential; DIRECTORY_UNAVAILABLE if the directory cannot be read
   */
  public Conversation newConversation(String peer, String conversationId, Map<String, String> metadata) {
    String address = IdentitySetup.checksum(peer);
    if (address.equals(ctx.address())) {
      throw new IllegalArgumentException("cannot start a conversation with yourself (" + address + ")");
    }
    String id = conversationId == null || conversationId.isEmpty() ? null : conversationId;
    for (Conversation c : list()) {
      if (c.peerAddress().equals(address) && Objects.equals(c.conversationId(), id)) {
        return c;
      }
    }
    TrustedPeers.Peer invitee = ctx.peers().resolve(address);
    PeerKeys keys = invitee.keys();
    String ownTopic = ctx.peers().ownInviteTopic(ctx.address());
    long createdNs = ctx.api().nowNs();
    InvitationV1 invitation = Invitations.create(ctx.me(), keys, id, metadata == null ? Map.of() : metadata);
    byte[] sealed = Invitations.seal(ctx.me(), keys, invitation, createdNs, ctx.random());
    ctx.api().publish(List.of(
        IdentitySetup.envelope(invitee.inviteTopic(), createdNs, sealed),
        IdentitySetup.envelope(ownTopic, createdNs, sealed)));
    Conversation created;
    try {
      created = register(Invitations.open(ctx.me(), sealed, createdNs));
    } catch (InvalidDataException e) {
      throw new IllegalStateException("an invitation we just sealed does not open: " + e.getMessage(), e);
    }
    if (consent.cachedState(address) != ConsentState.ALLOWED) {
      consent.allow(address);
    }
    return created;
  }

  /**
   * All conversations, oldest first; reads only invitations newer than the last listing (minus clock skew). With an
   * {@link IdentityDirectory}, the user's registered invite topic is read too when it is not the conventional one.
   */
  public synchronized List<Conversation> list() {
    for (String topic : ctx.peers().ownInviteTopics(ctx.address())) {
      long from = Math.max(0, lastListedNs.getOrDefault(topic, 0L) - ResilientStream.CLOCK_SKEW_NS);
      long startedAt = ctx.api().nowNs();
      for (Envelope e : ctx.api().queryAll(topic, from, 0, false, 0)) {
        accept(e);
      }
      lastListedNs.put(topic, startedAt);
    }
    return List.copyOf(byTopic.values());
  }

  /**
   * Legacy V1 conversations, found through the first messages their senders copied to the user's intro topic.
   * They are read-only.
   */
  public List<LegacyConversation> listLegacy() {
    Map<String, LegacyConversation> byPeer = new LinkedHashMap<>();
    for (Envelope e : ctx.api().queryAll(Topics.intro(ctx.address()), 0, 0, false, 0)) {
      try {
        String peer = MessagesV1.decode(ctx.me(), e.getContentTopic(), e.getMessage().toByteArray()).peerAddress();
        byPeer.computeIfAbsent(peer, p -> new LegacyConversation(ctx, p));
      } catch (InvalidDataException ignored) {
        // intro topics are open to anyone; what does not decrypt for us is not a conversation of ours
      }
    }
    return List.copyOf(byPeer.values());
  }

  /** Invitations that failed to open or verify, and why. */
  public synchronized List<SkippedEnvelope> skippedInvitations() {
    return List.copyOf(skipped);
  }

  /** Conversations that appear from now on (started by the user elsewhere or by peers). */
  public XmtpStream<Conversation> stream() {
    Set<String> known = new HashSet<>(topicsKnown());
    return ResilientStream.start(ctx.api(), ctx.peers().ownInviteTopics(ctx.address()), (e, s) -> {
      Conversation c = openForStream(e);
      if (known.add(c.topic())) {
        s.emit(c);
      }
    }, ctx.streamOpenTimeout());
  }

  /**
   * Messages of every conversation, including conversations that start while streaming: each new invitation adds
   * its topic and fetches what was already sent there.
   */
  public XmtpStream<DecodedMessage> streamAllMessages() {
    Set<String> inviteTopics = Set.copyOf(ctx.peers().ownInviteTopics(ctx.address()));
    List<String> topics = new ArrayList<>(inviteTopics);
    list().forEach(c -> topics.add(c.topic()));
    Set<String> following = new HashSet<>(topics);
    return ResilientStream.start(ctx.api(), topics, (e, s) -> {
      if (inviteTopics.contains(e.getContentTopic())) {
        Conversation c = openForStream(e);
        if (following.add(c.topic())) {
          s.addTopics(List.of(c.topic()));
        }
        return;
      }
      Conversation c = byTopic(e.getContentTopic());
      if (c == null) {
        throw new InvalidDataException("envelope on a topic of no known conversation");
      }
      s.emit(c.decode(e));
    }, ctx.streamOpenTimeout());
  }

  private synchronized List<String> topicsKnown() {
    return new ArrayList<>(byTopic.keySet());
  }

  private synchronized Conversation byTopic(String topic) {
    return byTopic.get(topic);
  }

  private synchronized Conversation open(Envelope e) throws InvalidDataException {
    if (!readInvites.add(e.getContentTopic(), e.getMessage())) {
      return null;
    }
    return register(Invitations.open(ctx.me(), e.getMessage().toByteArray(), e.getTimestampNs()));
  }

  /**
   * The conversation of an invitation a stream received, even if a listing or another stream read it first: each
   * stream keeps its own record of what it has delivered or follows, so none may be told "already read".
   */
  private synchronized Conversation openForStream(Envelope e) throws InvalidDataException {
    readInvites.add(e.getContentTopic(), e.getMessage());
    return register(Invitations.open(ctx.me(), e.getMessage().toByteArray(), e.getTimestampNs()));
  }

  private synchronized void accept(Envelope e) {
    try {
      open(e);
    } catch (InvalidDataException ex) {
      skipped.add(new SkippedEnvelope(e.getContentTopic(), e.getTimestampNs(), ex.getMessage()));
    }
  }

  /** The first invitation for a topic wins, as in xmtp-js; later copies (e.g. re-sent invitations) are ignored. */
  private synchronized Conversation register(Invitations.Opened opened) {
    return byTopic.computeIfAbsent(opened.topic(), t -> new Conversation(ctx, consent, opened));
  }
}
