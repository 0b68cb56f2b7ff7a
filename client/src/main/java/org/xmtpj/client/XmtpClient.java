package org.xmtpj.client;

import com.google.protobuf.InvalidProtocolBufferException;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import org.xmtp.proto.message.contents.PrivateKeyBundle;

/**
 * An XMTP user on a node: identity, contacts, conversations, messages, streams and consent, interoperable with
 * xmtp-js 13 (same keys, topics and encryption). Build one with {@link #builder(Signer)}; it is thread-safe; close
 * it when done. {@link #async()} offers the same operations as {@link CompletableFuture}s.
 *
 * <pre>{@code
 * try (XmtpClient alice = XmtpClient.builder(Signer.privateKey(key)).node("http://localhost:5555").build()) {
 *   Conversation c = alice.conversations().newConversation("0xPeer...");
 *   c.send("gm");
 * }
 * }</pre>
 */
public final class XmtpClient implements AutoCloseable {
  private final ClientContext ctx;
  private final Consent consent;
  private final Conversations conversations;
  private final AsyncXmtpClient async;

  private XmtpClient(ClientContext ctx, Executor executor) {
    this.ctx = ctx;
    this.consent = new Consent(ctx);
    this.conversations = new Conversations(ctx, consent);
    this.async = new AsyncXmtpClient(this, executor);
  }

  /** A builder for the user whose wallet is {@code wallet}. */
  public static Builder builder(Signer wallet) {
    return new Builder(Objects.requireNonNull(wallet, "wallet"), null);
  }

  /**
   * A builder for a user restored from an exported key bundle ({@link #exportKeyBundle()}, or xmtp-js's
   * {@code Client.getKeys}); no wallet is needed.
   */
  public static Builder fromKeyBundle(byte[] privateKeyBundle) {
    return new Builder(null, Objects.requireNonNull(privateKeyBundle, "privateKeyBundle").clone());
  }

  /** The user's wallet address (EIP-55). */
  public String address() {
    return ctx.address();
  }

  /** The node this client talks to. */
  public String node() {
    return ctx.api().transport().endpoint();
  }

  /**
   * True if {@code address} has a valid XMTP identity on this network. With an {@link IdentityDirectory}, a wallet
   * listed there also needs its contact bundle to carry the listed identity key.
   *
   * @throws XmtpException DIRECTORY_UNAVAILABLE if the directory cannot be read
   */
  public boolean canMessage(String address) {
    return ctx.peers().canMessage(IdentitySetup.checksum(address));
  }

  /** {@link #canMessage(String)} for many addresses in batch queries; keys are the EIP-55 forms. */
  public Map<String, Boolean> canMessage(Collection<String> addresses) {
    return ctx.peers().canMessage(addresses.stream().map(IdentitySetup::checksum).toList());
  }

  /**
   * Asks the node for the proof that {@code message} is in the cut of {@code epoch} (0: the newest epoch the node
   * has computed). Check it with {@link InclusionVerifier} against the root recorded on chain.
   *
   * @throws XmtpException NODE_REJECTED with code 5 (NOT_FOUND) when the node does not have the message within
   *     that cut, 9 (FAILED_PRECONDITION) when it has no checkpoint of that epoch, 12 when it computes none
   */
  public InclusionProof inclusionProof(DecodedMessage message, long epoch) {
    var response = ctx.api().inclusionProof(org.xmtpj.proto.checkpoint.v1.InclusionProofRequest.newBuilder()
        .setContentTopic(message.topic())
        .setMessageId(com.google.protobuf.ByteString.fromHex(message.id()))
        .setEpoch(epoch).build());
    java.util.Map<String, Long> cut = new java.util.LinkedHashMap<>();
    response.getCutList().forEach(w -> cut.put(java.util.HexFormat.of().formatHex(w.getOrigin().toByteArray()),
        w.getWatermark()));
    return new InclusionProof(response.getEpoch(), cut, response.getCutHash().toByteArray(),
        response.getRoot().toByteArray(), bytes(response.getPathList()), bytes(response.getHeadsList()),
        bytes(response.getSiblingsList()));
  }

  private static java.util.List<byte[]> bytes(java.util.List<com.google.protobuf.ByteString> list) {
    return list.stream().map(com.google.protobuf.ByteString::toByteArray).toList();
  }

  public Conversations conversations() {
    return conversations;
  }

  public Consent consent() {
    return consent;
  }

  public AsyncXmtpClient async() {
    return async;
  }

  /** The private key bundle (PrivateKeyBundle v1 protobuf, as xmtp-js exports it). Keep it secret. */
  public byte[] exportKeyBundle() {
    return ctx.me().toBundle().toByteArray();
  }

  /** The identity public key (65 bytes, uncompressed secp256k1). */
  public byte[] identityKey() {
    return ctx.me().identityPublicKey();
  }

  @Override
  public void close() {
    ctx.api().close();
  }

  /** Configures and builds a client. */
  public static final class Builder {
    private final Signer wallet;
    private final byte[] keyBundle;
    private String node = "http://localhost:5555";
    private Clock clock = Clock.systemUTC();
    private SecureRandom random = new SecureRandom();
    private Duration callTimeout = Duration.ofSeconds(30);
    private Duration streamOpenTimeout = Duration.ofSeconds(15);
    private Executor executor;
    private IdentityDirectory directory;

    private Builder(Signer wallet, byte[] keyBundle) {
      this.wallet = wallet;
      this.keyBundle = keyBundle;
    }

    /**
     * The node: {@code http://host:port} or {@code https://…} for the HTTP gateway, {@code grpc://host:port} or
     * {@code grpcs://host:port} for gRPC. Default {@code http://localhost:5555}.
     */
    public Builder node(String url) {
      this.node = Objects.requireNonNull(url, "url");
      return this;
    }

    public Builder clock(Clock c) {
      this.clock = Objects.requireNonNull(c);
      return this;
    }

    public Builder random(SecureRandom r) {
      this.random = Objects.requireNonNull(r);
      return this;
    }

    /** Deadline of each call to the node (default 30 s). */
    public Builder callTimeout(Duration d) {
      this.callTimeout = Objects.requireNonNull(d);
      return this;
    }

    /** How long opening a stream may take before it fails (default 15 s). */
    public Builder streamOpenTimeout(Duration d) {
      this.streamOpenTimeout = Objects.requireNonNull(d);
      return this;
    }

    /** Runs the async view's work (default: a virtual thread per task). */
    public Builder executor(Executor e) {
      this.executor = Objects.requireNonNull(e);
      return this;
    }

    /**
     * Reads other users' identity keys and invite topics from {@code directory} (for example the on-chain
     * IdentityRegistry): see {@link IdentityDirectory} for what changes. The client does not close it.
     */
    public Builder directory(IdentityDirectory d) {
      this.directory = Objects.requireNonNull(d);
      return this;
    }

    /**
     * Connects, loads the user's identity from the node (or creates and stores a new one: the wallet signs twice),
     * and publishes the contact bundle if the node lacks it.
     */
    public XmtpClient build() {
      ApiTransport transport = transport(node, callTimeout);
      NodeApi api = new NodeApi(transport, clock, d -> Thread.sleep(d));
      try {
        PrivateIdentity me = keyBundle != null ? restore(api) : IdentitySetup.loadOrCreate(api, wallet, random);
        ClientContext ctx = new ClientContext(api, me, random, streamOpenTimeout,
            new TrustedPeers(new ContactDirectory(api), directory));
        return new XmtpClient(ctx, executor != null ? executor : Executors.newVirtualThreadPerTaskExecutor());
      } catch (RuntimeException e) {
        api.close();
        throw e;
      }
    }

    /** {@link #build()} without blocking the caller. */
    public CompletableFuture<XmtpClient> buildAsync() {
      Executor e = executor != null ? executor : Executors.newVirtualThreadPerTaskExecutor();
      return CompletableFuture.supplyAsync(this::build, e);
    }

    private PrivateIdentity restore(NodeApi api) {
      try {
        PrivateIdentity me = PrivateIdentity.fromBundle(PrivateKeyBundle.parseFrom(keyBundle));
        api.authenticateAs(me);
        IdentitySetup.publishContactIfNeeded(api, me);
        return me;
      } catch (InvalidProtocolBufferException | InvalidDataException e) {
        throw new XmtpException(XmtpException.Kind.IDENTITY, "not a usable private key bundle: " + e.getMessage(), e);
      }
    }

    static ApiTransport transport(String url, Duration callTimeout) {
      URI uri;
      try {
        uri = URI.create(url);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("malformed node URL " + url + ": " + e.getMessage(), e);
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
      if (uri.getHost() == null) {
        throw new IllegalArgumentException("node URL " + url + " has no host (want e.g. http://localhost:5555)");
      }
      return switch (scheme) {
        case "http", "https" -> new HttpTransport(uri, callTimeout);
        case "grpc", "grpcs" -> new GrpcTransport(uri.getHost() + ":" + (uri.getPort() < 0 ? 5556 : uri.getPort()),
            scheme.equals("grpcs"), callTimeout);
        default -> throw new IllegalArgumentException(
            "node URL " + url + " must start with http://, https://, grpc:// or grpcs://");
      };
    }
  }
}
