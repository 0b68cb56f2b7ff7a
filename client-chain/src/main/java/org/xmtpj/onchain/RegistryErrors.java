package org.xmtpj.onchain;

import java.io.IOException;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import org.xmtpj.chain.ChainException;
import org.xmtpj.chain.ContractRevertException;
import org.xmtpj.crypto.Ethereum;

/** Turns the chain module's exceptions into {@link RegistryException}s whose messages a person can act on. */
final class RegistryErrors {
  private RegistryErrors() {}

  /**
   * @param action what was attempted, e.g. "registering 0x…"
   * @param where the endpoint, completing "cannot reach …": "the chain at http://…" or a description
   */
  static RegistryException translate(ChainException e, String action, String where) {
    if (e instanceof ContractRevertException revert) {
      return new RegistryException(RegistryException.Reason.REJECTED, revert.errorName(),
          action + " was rejected by the IdentityRegistry: " + words(revert), e);
    }
    String message = String.valueOf(e.getMessage());
    String lower = message.toLowerCase(Locale.ROOT);
    if (lower.contains("insufficient funds") || lower.contains("enough funds")) {
      return new RegistryException(RegistryException.Reason.INSUFFICIENT_FUNDS, null, action
          + " failed: the sending account has no ETH to pay for gas; let a relayer submit the wallet's signed"
          + " request instead (" + message + ")", e);
    }
    if (causedByIo(e) || lower.contains("cannot reach")) {
      return new RegistryException(RegistryException.Reason.UNREACHABLE, null,
          action + " failed: cannot reach " + where + " (" + message + ")", e);
    }
    return new RegistryException(RegistryException.Reason.FAILED, null, action + " failed: " + message, e);
  }

  /** The contract's error in words, followed by its name. */
  static String words(ContractRevertException e) {
    List<Object> a = e.arguments();
    String text = switch (e.errorName()) {
      case "AlreadyRegistered" -> arg(a, 0) + " is already registered (update the entry instead)";
      case "NotRegistered" -> arg(a, 0) + " is not registered (register first)";
      case "InvalidIdentityKey" -> "the identity key is not a 65-byte uncompressed secp256k1 public key";
      case "InvalidTopic" -> "an invite topic must be 1 to 128 printable ASCII characters without spaces";
      case "TopicTaken" -> "the invite topic " + arg(a, 0) + " already belongs to " + arg(a, 1);
      case "TopicReserved" -> "the invite topic " + arg(a, 0) + " is the conventional invite topic of "
          + arg(a, 1) + " and reserved for that wallet";
      case "InvalidPolicy" -> "the invite policy does not fit its parameters (fee needs a fee above 0, credential"
          + " an issuer key of 1 to 256 bytes, open neither)";
      case "InvalidRetention" -> "retention must be 1 to 365 days, not " + arg(a, 0);
      case "InvalidEviction" -> "unknown eviction policy code " + arg(a, 0);
      case "ExpiredSignature" -> "the wallet's signed request expired (deadline " + arg(a, 0) + ", chain time)";
      case "InvalidSignature" -> "the wallet's signature does not verify (another key signed it, or the wallet's"
          + " nonce moved on)";
      default -> "it reverted with " + e.errorName() + (a.isEmpty() ? "" : " " + a);
    };
    return text + " [" + e.errorName() + "]";
  }

  private static String arg(List<Object> args, int i) {
    if (i >= args.size()) {
      return "?";
    }
    Object v = args.get(i);
    if (v instanceof String s && s.matches("0x[0-9a-fA-F]{40}")) {
      return Ethereum.checksum(s);
    }
    return v instanceof BigInteger n ? n.toString() : String.valueOf(v);
  }

  private static boolean causedByIo(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IOException) {
        return true;
      }
    }
    return false;
  }
}
