package org.xmtpj.chain.events;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.xmtpj.chain.ChainException;
import org.xmtpj.chain.ChainSession;
import org.xmtpj.chain.Deployment;

/** {@link ChainEvents} over eth_getLogs, split into ranges of at most {@code maxBlockRange} blocks. */
final class Web3jChainEvents implements ChainEvents {
  private final ChainSession session;
  private final long maxBlockRange;
  private final List<String> addresses;
  private final LogDecoder decoder = new LogDecoder();

  Web3jChainEvents(ChainSession session, long maxBlockRange) {
    if (maxBlockRange < 1) {
      throw new IllegalArgumentException("maxBlockRange must be at least 1");
    }
    Deployment d = session.deployment();
    this.session = session;
    this.maxBlockRange = maxBlockRange;
    List<String> contracts = new ArrayList<>(
        List.of(d.nodeRegistryAddress(), d.stakingAddress(), d.identityRegistryAddress()));
    d.checkpointsAddress().ifPresent(contracts::add);
    this.addresses = List.copyOf(contracts);
  }

  @Override
  public List<ChainEvent> fetch(long fromBlock, long toBlock) {
    if (fromBlock < 0 || toBlock < fromBlock) {
      throw new IllegalArgumentException("bad block range " + fromBlock + ".." + toBlock);
    }
    List<ChainEvent> out = new ArrayList<>();
    for (long start = fromBlock; start <= toBlock; start += maxBlockRange) {
      long end = Math.min(toBlock, start + maxBlockRange - 1);
      for (Log log : logs(start, end)) {
        decoder.decode(log).ifPresent(out::add);
      }
    }
    return out;
  }

  @Override
  public long latestBlock() {
    return session.blockNumber();
  }

  @Override
  public Optional<String> blockHash(long blockNumber) {
    return session.block(blockNumber).map(b -> b.getHash());
  }

  private List<Log> logs(long from, long to) {
    EthFilter filter = new EthFilter(block(from), block(to), addresses);
    EthLog result = session.query("eth_getLogs", () -> session.web3j().ethGetLogs(filter).send());
    if (result.hasError()) {
      throw new ChainException("eth_getLogs " + from + ".." + to + " failed: " + result.getError().getMessage());
    }
    List<Log> logs = new ArrayList<>(result.getLogs().size());
    for (EthLog.LogResult<?> r : result.getLogs()) {
      if (r instanceof EthLog.LogObject log) {
        logs.add(log);
      }
    }
    // nodes return logs in chain order already; sorting makes that a guarantee of this method
    logs.sort((a, b) -> {
      int byBlock = a.getBlockNumber().compareTo(b.getBlockNumber());
      return byBlock != 0 ? byBlock : a.getLogIndex().compareTo(b.getLogIndex());
    });
    return logs;
  }

  private static DefaultBlockParameter block(long n) {
    return DefaultBlockParameter.valueOf(BigInteger.valueOf(n));
  }
}
