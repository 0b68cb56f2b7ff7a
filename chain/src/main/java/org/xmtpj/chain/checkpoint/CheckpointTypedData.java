package org.xmtpj.chain.checkpoint;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import org.xmtpj.chain.Deployment;
import org.xmtpj.chain.Signer;
import org.xmtpj.crypto.CryptoException;
import org.xmtpj.crypto.Ethereum;
import org.xmtpj.crypto.Keccak256;
import org.xmtpj.crypto.RecoverableSignature;
import org.xmtpj.crypto.Secp256k1;

/**
 * The EIP-712 message an active node's operator signs for an epoch's checkpoint, computed off chain exactly as
 * {@code Checkpoints.checkpointDigest} computes it: domain {@code {name: "XMTPJ Checkpoints", version: "1", chainId,
 * verifyingContract}}, type {@code Checkpoint(uint64 epoch,bytes32 cutHash,bytes32 root)} (every field one 32-byte
 * word). Pure: no chain access, so nodes can sign and check each other's signatures before anyone submits.
 */
public final class CheckpointTypedData {
  public static final String DOMAIN_NAME = "XMTPJ Checkpoints";
  public static final String DOMAIN_VERSION = "1";
  public static final String CHECKPOINT_TYPE = "Checkpoint(uint64 epoch,bytes32 cutHash,bytes32 root)";

  private static final byte[] DOMAIN_TYPEHASH =
      keccak("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
  private static final byte[] CHECKPOINT_TYPEHASH = keccak(CHECKPOINT_TYPE);
  /** secp256k1's group order over two: OpenZeppelin's ECDSA (and so the contract) refuses larger s values. */
  private static final BigInteger HALF_ORDER =
      new BigInteger("7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0", 16);

  private final byte[] domainSeparator;

  /** The typed data of the Checkpoints contract at {@code checkpointsAddress} on chain {@code chainId}. */
  public CheckpointTypedData(long chainId, String checkpointsAddress) {
    this.domainSeparator = Keccak256.hash(DOMAIN_TYPEHASH, keccak(DOMAIN_NAME), keccak(DOMAIN_VERSION),
        word(BigInteger.valueOf(chainId)), addressWord(checkpointsAddress));
  }

  /** The typed data of the deployment's Checkpoints contract; fails if the deployment has none. */
  public static CheckpointTypedData of(Deployment deployment) {
    String address = deployment.checkpointsAddress().orElseThrow(() -> new IllegalArgumentException(
        "the deployment of chain " + deployment.chainId() + " has no " + Deployment.CHECKPOINTS + " contract"));
    return new CheckpointTypedData(deployment.chainId(), address);
  }

  public byte[] domainSeparator() {
    return domainSeparator.clone();
  }

  /** {@code keccak256("\x19\x01" ‖ domainSeparator ‖ keccak256(typehash ‖ epoch ‖ cutHash ‖ root))}. */
  public byte[] digest(long epoch, byte[] cutHash, byte[] root) {
    if (epoch < 0) {
      throw new IllegalArgumentException("epoch must not be negative, got " + epoch);
    }
    byte[] struct = Keccak256.hash(CHECKPOINT_TYPEHASH, word(BigInteger.valueOf(epoch)),
        SignedCheckpoint.exactly(cutHash, SignedCheckpoint.HASH_LENGTH, "cutHash"),
        SignedCheckpoint.exactly(root, SignedCheckpoint.HASH_LENGTH, "root"));
    return Keccak256.hash(new byte[] {0x19, 0x01}, domainSeparator, struct);
  }

  /** Node {@code nodeId}'s checkpoint signed by its operator key. */
  public SignedCheckpoint sign(Signer operator, long nodeId, long epoch, byte[] cutHash, byte[] root) {
    Objects.requireNonNull(operator, "operator");
    return new SignedCheckpoint(nodeId, epoch, cutHash, root, operator.signDigest(digest(epoch, cutHash, root)));
  }

  /**
   * The address (EIP-55) whose key made the signature, by the contract's rules: empty unless v is 27 or 28 and s is
   * in the lower half of the group order (the malleable twin of a valid signature is refused, as on chain). A node
   * that collects signatures compares this with the signer's registered operator before submitting.
   */
  public Optional<String> signerOf(SignedCheckpoint signed) {
    byte[] sig = signed.signature();
    int v = sig[64] & 0xff;
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(sig, 32, 64));
    if ((v != 27 && v != 28) || s.compareTo(HALF_ORDER) > 0) {
      return Optional.empty();
    }
    try {
      byte[] key = Secp256k1.recoverPublicKey(digest(signed.epoch(), signed.cutHash(), signed.root()),
          new RecoverableSignature(Arrays.copyOf(sig, 64), v - 27));
      return Optional.of(Ethereum.address(key));
    } catch (CryptoException unrecoverable) {
      return Optional.empty();
    }
  }

  private static byte[] keccak(String text) {
    return Keccak256.hash(text.getBytes(StandardCharsets.UTF_8));
  }

  /** A uint ABI word: 32 bytes big-endian. */
  private static byte[] word(BigInteger v) {
    byte[] raw = v.toByteArray();
    byte[] out = new byte[32];
    int len = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - len, out, 32 - len, len);
    return out;
  }

  /** An address ABI word: 12 zero bytes and the 20 address bytes. */
  private static byte[] addressWord(String address) {
    Objects.requireNonNull(address, "address");
    String hex = address.startsWith("0x") || address.startsWith("0X") ? address.substring(2) : address;
    byte[] raw = HexFormat.of().parseHex(hex);
    if (raw.length != 20) {
      throw new IllegalArgumentException("not a 20-byte address: " + address);
    }
    return word(new BigInteger(1, raw));
  }
}
