package org.xmtpj.chain.token;

import java.math.BigInteger;
import org.xmtpj.chain.ChainSession;
import org.xmtpj.chain.TxReceipt;
import org.xmtpj.chain.contracts.Token;

/** {@link TokenClient} over the generated web3j wrapper. */
final class Web3jTokenClient implements TokenClient {
  private final ChainSession session;
  private final String address;
  private final Token contract;

  Web3jTokenClient(ChainSession session) {
    this.session = session;
    this.address = session.deployment().tokenAddress();
    this.contract = session.contract(address, Token::load);
  }

  @Override
  public BigInteger balanceOf(String account) {
    return session.query("Token.balanceOf", () -> contract.balanceOf(account).send());
  }

  @Override
  public BigInteger allowance(String owner, String spender) {
    return session.query("Token.allowance", () -> contract.allowance(owner, spender).send());
  }

  @Override
  public BigInteger totalSupply() {
    return session.query("Token.totalSupply", () -> contract.totalSupply().send());
  }

  @Override
  public BigInteger totalMinted() {
    return session.query("Token.totalMinted", () -> contract.totalMinted().send());
  }

  @Override
  public BigInteger totalBurned() {
    return session.query("Token.totalBurned", () -> contract.totalBurned().send());
  }

  @Override
  public TxReceipt transfer(String to, BigInteger amount) {
    return TxReceipt.of(session.send("Token.transfer", address, contract.transfer(to, amount)));
  }

  @Override
  public TxReceipt approve(String spender, BigInteger amount) {
    return TxReceipt.of(session.send("Token.approve", address, contract.approve(spender, amount)));
  }

  @Override
  public TxReceipt burn(BigInteger amount) {
    return TxReceipt.of(session.send("Token.burn", address, contract.burn(amount)));
  }
}
