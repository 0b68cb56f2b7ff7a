package org.xmtpj.chain;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.RemoteFunctionCall;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthChainId;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.Contract;
import org.web3j.tx.TransactionManager;
import org.web3j.tx.gas.ContractGasProvider;
import org.web3j.tx.gas.StaticGasProvider;

/**
 * A connection to one chain and one deployment, optionally with a local signing key. The typed clients
 * ({@code NodeRegistryClient.connect(session)} and friends) are thin adapters over it.
 *
 * <p>A session made by {@link #connect} owns the HTTP connection and closes it; sessions derived with
 * {@link #withSigner} share it and their {@link #close()} does nothing, so one connection serves many accounts.
 */
public final class ChainSession implements AutoCloseable {
  private static final String ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";
  /** Never used to send (transactions go through {@link TxSender}); wrappers only need some provider. */
  private static final ContractGasProvider UNUSED_GAS = new StaticGasProvider(BigInteger.ZERO, BigInteger.ZERO);

  /**
   * How transactions are sent.
   *
   * @param receiptTimeout how long to wait for a transaction to be mined before failing
   * @param pollInterval how often to ask for the receipt meanwhile
   * @param eip1559 type-2 (EIP-1559) transactions; false sends legacy ones for chains without EIP-1559
   */
  public record Options(Duration receiptTimeout, Duration pollInterval, boolean eip1559) {
    public Options {
      Objects.requireNonNull(receiptTimeout, "receiptTimeout");
      Objects.requireNonNull(pollInterval, "pollInterval");
    }

    public static Options defaults() {
      return new Options(Duration.ofMinutes(2), Duration.ofMillis(200), true);
    }
  }

  /** The generated wrappers' {@code load} methods, e.g. {@code NodeRegistry::load}. */
  @FunctionalInterface
  public interface ContractLoader<C extends Contract> {
    C load(String address, Web3j web3j, TransactionManager calls, ContractGasProvider gas);
  }

  private final Web3j web3j;
  private final ScheduledExecutorService executor;
  private final boolean ownsConnection;
  private final Deployment deployment;
  private final Options options;
  private final Signer signer;
  private final TxSender sender;
  private final TransactionManager calls;

  private ChainSession(Web3j web3j, ScheduledExecutorService executor, boolean ownsConnection,
      Deployment deployment, Options options, Signer signer) {
    this.web3j = web3j;
    this.executor = executor;
    this.ownsConnection = ownsConnection;
    this.deployment = deployment;
    this.options = options;
    this.signer = signer;
    this.sender = signer == null ? null : new TxSender(web3j, signer, deployment.chainId(), options);
    this.calls = new DecodingCallManager(web3j, signer == null ? ZERO_ADDRESS : signer.address());
  }

  /** Connects read-only with default options; checks that the endpoint serves the deployment's chain. */
  public static ChainSession connect(String rpcUrl, Deployment deployment) {
    return connect(rpcUrl, deployment, Options.defaults());
  }

  public static ChainSession connect(String rpcUrl, Deployment deployment, Options options) {
    // Our own daemon executor: web3j's default one is a non-daemon pool that registers a shutdown hook per client.
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "web3j-" + rpcUrl);
      t.setDaemon(true);
      return t;
    });
    Web3j web3j = Web3j.build(new HttpService(rpcUrl), options.pollInterval().toMillis(), executor);
    ChainSession session = new ChainSession(web3j, executor, true, deployment, options, null);
    try {
      EthChainId id = web3j.ethChainId().send();
      if (id.hasError() || id.getChainId().longValueExact() != deployment.chainId()) {
        throw new ChainException("RPC " + rpcUrl + " serves chain "
            + (id.hasError() ? "?" : id.getChainId()) + ", the deployment is for chain " + deployment.chainId());
      }
      return session;
    } catch (IOException | RuntimeException e) {
      session.close();
      throw e instanceof ChainException ce ? ce
          : new ChainException("cannot reach RPC " + rpcUrl + ": " + e.getMessage(), e);
    }
  }

  /**
   * A session on the same connection that signs with {@code signer}. Sends are serialized per session (nonces
   * come from the pending count), so share one session per key between threads rather than deriving several.
   */
  public ChainSession withSigner(Signer signer) {
    return new ChainSession(web3j, executor, false, deployment, options, Objects.requireNonNull(signer));
  }

  public Deployment deployment() {
    return deployment;
  }

  public Optional<Signer> signer() {
    return Optional.ofNullable(signer);
  }

  /** The signer's address; fails on a read-only session. */
  public String senderAddress() {
    return requireSigner().address();
  }

  /** The underlying web3j client, for the adapters in this module. */
  public Web3j web3j() {
    return web3j;
  }

  /** A generated wrapper bound to this session for calls; its reverts surface as {@link ContractRevertException}. */
  public <C extends Contract> C contract(String address, ContractLoader<C> loader) {
    return loader.load(address, web3j, calls, UNUSED_GAS);
  }

  /** Sends a wrapper's transaction (encoded, not sent by web3j) from the signer and returns its mined receipt. */
  public TransactionReceipt send(String operation, String to, RemoteFunctionCall<TransactionReceipt> call) {
    return send(operation, to, call.encodeFunctionCall());
  }

  /** Sends raw calldata to {@code to} from the signer and returns its mined receipt. */
  public TransactionReceipt send(String operation, String to, String data) {
    requireSigner();
    return sender.send(operation, to, data);
  }

  /** Runs a wrapper call, keeping our exceptions and wrapping web3j's checked ones. */
  public <T> T query(String operation, Callable<T> call) {
    try {
      return call.call();
    } catch (ContractRevertException e) {
      throw e.withOperation(operation);
    } catch (ChainException e) {
      throw e;
    } catch (Exception e) {
      throw new ChainException(operation + " failed: " + e.getMessage(), e);
    }
  }

  public long blockNumber() {
    return query("eth_blockNumber", () -> web3j.ethBlockNumber().send().getBlockNumber().longValueExact());
  }

  /** A block by number (without transactions), or empty when the chain is not that long. */
  public Optional<EthBlock.Block> block(long number) {
    return query("eth_getBlockByNumber", () -> Optional.ofNullable(
        web3j.ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(number)), false).send()
            .getBlock()));
  }

  /** The latest block's timestamp in seconds: the clock contracts see (Hardhat's can run ahead of ours). */
  public long latestBlockTimestamp() {
    return query("eth_getBlockByNumber", () -> web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false)
        .send().getBlock().getTimestamp().longValueExact());
  }

  @Override
  public void close() {
    if (ownsConnection) {
      web3j.shutdown();
    }
  }

  private Signer requireSigner() {
    if (signer == null) {
      throw new IllegalStateException("read-only session: use withSigner(...) to send transactions");
    }
    return signer;
  }
}
