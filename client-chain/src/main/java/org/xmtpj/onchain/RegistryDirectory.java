package org.xmtpj.onchain;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.xmtpj.chain.ChainException;
import org.xmtpj.chain.ChainSession;
import org.xmtpj.chain.identity.IdentityConfig;
import org.xmtpj.chain.identity.IdentityEntry;
import org.xmtpj.chain.identity.IdentityRegistryClient;
import org.xmtpj.client.DirectoryEntry;

/** {@link ChainIdentityDirectory} over {@link IdentityRegistryClient#identityOf}, with a TTL cache. */
final class RegistryDirectory implements ChainIdentityDirectory {
  /** Beyond this many cached wallets, expired answers are swept, and if that is not enough, all of them. */
  private static final int MAX_CACHED = 10_000;

  private record Cached(Optional<DirectoryEntry> entry, long expiresNs) {}

  private final ChainSession session;
  private final boolean ownsSession;
  private final String where;
  private final long ttlNs;
  private final IdentityRegistryClient registry;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  RegistryDirectory(ChainSession session, boolean ownsSession, String where, Duration ttl) {
    this.session = Objects.requireNonNull(session, "session");
    this.ownsSession = ownsSession;
    this.where = where;
    if (ttl.isNegative()) {
      throw new IllegalArgumentException("ttl must not be negative: " + ttl);
    }
    this.ttlNs = ttl.toNanos();
    this.registry = IdentityRegistryClient.connect(session);
  }

  static String describe(ChainSession session) {
    return "the RPC endpoint of chain " + session.deployment().chainId() + " (IdentityRegistry "
        + session.deployment().identityRegistryAddress() + ")";
  }

  @Override
  public Optional<DirectoryEntry> lookup(String walletAddress) {
    String key = key(walletAddress);
    long now = System.nanoTime();
    Cached cached = cache.get(key);
    if (cached != null && cached.expiresNs() - now > 0) {
      return cached.entry();
    }
    Optional<DirectoryEntry> entry = entry(walletAddress).map(RegistryDirectory::toDirectoryEntry);
    if (ttlNs > 0) {
      sweepIfFull(now);
      cache.put(key, new Cached(entry, now + ttlNs));
    }
    return entry;
  }

  @Override
  public Optional<IdentityEntry> entry(String wallet) {
    try {
      return registry.identityOf(wallet);
    } catch (ChainException e) {
      throw RegistryErrors.translate(e, "reading the registry entry of " + wallet, where);
    }
  }

  @Override
  public void forget(String wallet) {
    cache.remove(key(wallet));
  }

  @Override
  public void close() {
    if (ownsSession) {
      session.close();
    }
  }

  static DirectoryEntry toDirectoryEntry(IdentityEntry e) {
    IdentityConfig c = e.config();
    DirectoryEntry.InvitePolicy policy = switch (c.publishPolicy()) {
      case OPEN -> DirectoryEntry.InvitePolicy.OPEN;
      case FEE -> DirectoryEntry.InvitePolicy.FEE;
      case CREDENTIAL -> DirectoryEntry.InvitePolicy.CREDENTIAL;
    };
    return new DirectoryEntry(e.wallet(), c.identityKey(), c.inviteTopic(), policy, c.fee(), c.retentionDays());
  }

  private void sweepIfFull(long now) {
    if (cache.size() < MAX_CACHED) {
      return;
    }
    cache.values().removeIf(c -> c.expiresNs() - now <= 0);
    if (cache.size() >= MAX_CACHED) {
      cache.clear();
    }
  }

  private static String key(String wallet) {
    return Objects.requireNonNull(wallet, "wallet").toLowerCase(Locale.ROOT);
  }
}
