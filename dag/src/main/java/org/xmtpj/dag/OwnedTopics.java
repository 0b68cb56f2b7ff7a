package org.xmtpj.dag;

import java.util.concurrent.TimeUnit;
import org.xmtpj.crypto.auth.AuthException;
import org.xmtpj.crypto.auth.AuthTokenValidator;
import org.xmtpj.crypto.auth.AuthenticatedWallet;

/**
 * Owner-only topics ({@code contact-<wallet>} and {@code privatestore-<wallet>/…}) as a validity rule that every
 * replica checks from the event alone (docs/replication.md §1.3): an event on such a topic must carry the auth token
 * its origin accepted ({@link PayloadType#AUTHORIZED_ENVELOPE}); the token's signatures must hold, it must be the
 * topic owner's, and the envelope's timestamp must lie within the token's lifetime. No other topic may carry a
 * token: on conversation, invite, ephemeral and preference topics nothing may name the sender.
 *
 * <p>The topic already names the wallet, and the token holds only that wallet, its public identity key (also in the
 * wallet's contact bundle) and a creation time, so carrying it reveals nothing the topic does not.
 */
public final class OwnedTopics {
  private static final String PREFIX = "/xmtp/0/";
  /** Client clocks drift: an envelope may be dated this much before the token it was published with. */
  public static final long EARLIEST_BEFORE_TOKEN_NS = TimeUnit.MINUTES.toNanos(15);
  /**
   * The latest an envelope may be dated after its token: the one-hour token lifetime that XMTP clients and nodes
   * use, plus the same drift. A protocol constant, not a node setting: every replica must decide alike.
   */
  public static final long LATEST_AFTER_TOKEN_NS = TimeUnit.MINUTES.toNanos(75);

  private OwnedTopics() {}

  /**
   * The wallet that owns a {@code contact-} or {@code privatestore-} topic, or null if anyone may write it. Parsing
   * follows node-go ({@code split("/")[3]}), because names such as {@code privatestore-<addr>/key_bundle} hold
   * slashes.
   */
  public static String owner(String topic) {
    if (!topic.startsWith(PREFIX)) {
      return null;
    }
    String[] segments = topic.split("/", -1);
    if (segments.length < 4) {
      return null;
    }
    String[] parts = segments[3].split("-", -1);
    if (parts.length < 2) {
      return null;
    }
    return parts[0].equals("contact") || parts[0].equals("privatestore") ? parts[1] : null;
  }

  /**
   * Checks that {@code authorization} lets its holder write {@code env} to an owner-only topic.
   *
   * @throws OwnerRuleException saying which part fails
   */
  public static void checkAuthorized(String owner, ClientEnvelope env, byte[] authorization) {
    AuthenticatedWallet wallet;
    try {
      wallet = AuthTokenValidator.verifySignatures(authorization);
    } catch (AuthException e) {
      throw new OwnerRuleException("the authorization on " + env.contentTopic() + " is not a valid token: "
          + e.getMessage());
    }
    if (!wallet.walletAddress().equals(owner)) {
      throw new OwnerRuleException(env.contentTopic() + " belongs to " + owner + ", but the authorization is "
          + wallet.walletAddress() + "'s");
    }
    long created = wallet.createdNs();
    long ts = env.timestampNs();
    if (created < 0 || ts < 0 || ts < created - EARLIEST_BEFORE_TOKEN_NS || ts - created > LATEST_AFTER_TOKEN_NS) {
      throw new OwnerRuleException("envelope on " + env.contentTopic() + " is dated " + Long.toUnsignedString(ts)
          + " ns, outside its token's window (created " + Long.toUnsignedString(created) + " ns; from 15 min before "
          + "to 75 min after)");
    }
  }

  /**
   * The owner-only rule for an event's envelope and the authorization it carries (null for a plain envelope): a
   * token on an owner-only topic and nowhere else.
   *
   * @throws OwnerRuleException if the event breaks it
   */
  static void check(ClientEnvelope env, byte[] authorization) {
    String owner = owner(env.contentTopic());
    if (authorization == null) {
      if (owner != null) {
        throw new OwnerRuleException(env.contentTopic() + " is owner-only, and the event carries no authorization"
            + " by " + owner);
      }
      return;
    }
    if (owner == null) {
      throw new OwnerRuleException("an authorization on " + env.contentTopic()
          + ", which is not an owner-only topic: nothing may name a sender there");
    }
    checkAuthorized(owner, env, authorization);
  }
}
