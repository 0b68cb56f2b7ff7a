package org.xmtpj.chain.token;

import java.math.BigDecimal;
import java.math.BigInteger;
import org.xmtpj.chain.ChainSession;
import org.xmtpj.chain.TxReceipt;

/**
 * The network's ERC-20 token. Amounts are in base units (18 decimals): {@link #tokens(long)} converts whole tokens.
 * Writes are sent from the session's signer.
 */
public interface TokenClient {
  int DECIMALS = 18;
  BigInteger ONE_TOKEN = BigInteger.TEN.pow(DECIMALS);

  static TokenClient connect(ChainSession session) {
    return new Web3jTokenClient(session);
  }

  /** {@code whole} tokens in base units. */
  static BigInteger tokens(long whole) {
    return BigInteger.valueOf(whole).multiply(ONE_TOKEN);
  }

  /** Base units as a decimal number of tokens, for display. */
  static BigDecimal toTokens(BigInteger baseUnits) {
    return new BigDecimal(baseUnits, DECIMALS).stripTrailingZeros();
  }

  BigInteger balanceOf(String account);

  BigInteger allowance(String owner, String spender);

  BigInteger totalSupply();

  /** Everything ever minted (genesis supply and claimed rewards). */
  BigInteger totalMinted();

  /** Everything ever burned (burns and slashes). */
  BigInteger totalBurned();

  TxReceipt transfer(String to, BigInteger amount);

  TxReceipt approve(String spender, BigInteger amount);

  TxReceipt burn(BigInteger amount);
}
