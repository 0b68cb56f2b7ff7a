package org.xmtpj.onchain;

import java.time.Duration;
import java.util.Optional;
import org.xmtpj.chain.ChainException;
import org.xmtpj.chain.ChainSession;
import org.xmtpj.chain.Deployment;
import org.xmtpj.chain.identity.IdentityEntry;
import org.xmtpj.client.IdentityDirectory;

/**
 * The SDK's {@link IdentityDirectory} read from the on-chain IdentityRegistry: pass it to
 * {@code XmtpClient.builder(wallet).directory(...)} and the client trusts registered wallets only with their
 * registered identity keys and sends invitations to their registered invite topics.
 *
 * <p>Lookups are cached for a time to live (default {@link #DEFAULT_TTL}), entries and absences alike, so a client
 * does not ask the chain for every message; {@link #forget} drops one wallet's answer (for example right after
 * changing its entry). Failures to read the chain raise {@link RegistryException} (the client reports them as
 * {@code XmtpException} of kind {@code DIRECTORY_UNAVAILABLE}). Thread-safe.
 *
 * <pre>{@code
 * try (ChainIdentityDirectory registry = ChainIdentityDirectory.open("http://127.0.0.1:8545", deployment);
 *     XmtpClient bob = XmtpClient.builder(wallet).node(url).directory(registry).build()) {
 *   bob.conversations().newConversation(alice).send("gm");   // to alice's registered invite topic
 * }
 * }</pre>
 */
public interface ChainIdentityDirectory extends IdentityDirectory, AutoCloseable {
  /** How long an answer is reused by default. */
  Duration DEFAULT_TTL = Duration.ofSeconds(30);

  /** A directory over an open session (read-only is enough), with the default TTL; closing it leaves the session. */
  static ChainIdentityDirectory connect(ChainSession session) {
    return connect(session, DEFAULT_TTL);
  }

  /** As {@link #connect(ChainSession)} with another TTL; {@link Duration#ZERO} reads the chain every time. */
  static ChainIdentityDirectory connect(ChainSession session, Duration ttl) {
    return new RegistryDirectory(session, false, RegistryDirectory.describe(session), ttl);
  }

  /**
   * Connects to {@code rpcUrl} (which must serve the deployment's chain) and owns that connection until
   * {@link #close()}.
   *
   * @throws RegistryException UNREACHABLE naming the URL when it does not answer, FAILED for another chain
   */
  static ChainIdentityDirectory open(String rpcUrl, Deployment deployment) {
    ChainSession session;
    try {
      session = ChainSession.connect(rpcUrl, deployment);
    } catch (ChainException e) {
      throw RegistryErrors.translate(e, "connecting to the identity registry", "the chain at " + rpcUrl);
    }
    return new RegistryDirectory(session, true, "the chain at " + rpcUrl, DEFAULT_TTL);
  }

  /**
   * The wallet's full registry entry, read from the chain now (not cached): identity key, invite topic and every
   * setting of the topic, including those the SDK's {@link org.xmtpj.client.DirectoryEntry} leaves out.
   */
  Optional<IdentityEntry> entry(String wallet);

  /** Drops the cached answer for {@code wallet}; the next lookup reads the chain. */
  void forget(String wallet);

  /** Closes the chain connection if this directory opened it. */
  @Override
  void close();
}
