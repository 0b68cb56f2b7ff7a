package org.xmtpj.chain;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the network's contracts live: the deployment file that {@code contracts/scripts/deploy.js} writes.
 *
 * @param chainId the chain the contracts were deployed to; a session refuses an RPC endpoint of another chain
 * @param rpc the RPC URL used for the deployment (informational: callers pass the URL they want to use)
 * @param deployer the deployer address: admin and governance of every contract, holder of the genesis supply
 * @param deployBlock the first block to index events from
 * @param lastDeployBlock the block of the last deployment transaction
 * @param contracts by contract name ({@code Token}, {@code NodeRegistry}, {@code Staking}, {@code IdentityRegistry},
 *     and {@code Checkpoints} in deployments that have it)
 * @param parameters the deployment parameters as decimal strings (uint256 values do not fit a long)
 * @param genesisTime Staking's genesis timestamp (seconds); epoch {@code e} starts at genesis + e × epochLength
 * @param epochLength Staking's epoch length in seconds
 */
public record Deployment(
    long chainId,
    String rpc,
    String deployer,
    long deployBlock,
    long lastDeployBlock,
    Map<String, DeployedContract> contracts,
    Map<String, String> parameters,
    long genesisTime,
    long epochLength) {

  public static final String TOKEN = "Token";
  public static final String NODE_REGISTRY = "NodeRegistry";
  public static final String STAKING = "Staking";
  public static final String IDENTITY_REGISTRY = "IdentityRegistry";
  /** Optional: deployment files written before the Checkpoints contract existed do not have it. */
  public static final String CHECKPOINTS = "Checkpoints";

  /** One deployed contract: its address, and the block and transaction that created it. */
  public record DeployedContract(String address, long block, String txHash) {
    public DeployedContract {
      Objects.requireNonNull(address, "address");
    }
  }

  public Deployment {
    Objects.requireNonNull(deployer, "deployer");
    contracts = Map.copyOf(contracts);
    parameters = Map.copyOf(parameters);
    for (String name : new String[] {TOKEN, NODE_REGISTRY, STAKING, IDENTITY_REGISTRY}) {
      if (!contracts.containsKey(name)) {
        throw new IllegalArgumentException("deployment has no " + name + " contract");
      }
    }
    if (epochLength <= 0) {
      throw new IllegalArgumentException("epochLength must be positive: " + epochLength);
    }
  }

  public String tokenAddress() {
    return contracts.get(TOKEN).address();
  }

  public String nodeRegistryAddress() {
    return contracts.get(NODE_REGISTRY).address();
  }

  public String stakingAddress() {
    return contracts.get(STAKING).address();
  }

  public String identityRegistryAddress() {
    return contracts.get(IDENTITY_REGISTRY).address();
  }

  /** The Checkpoints contract, when the deployment has one. */
  public Optional<String> checkpointsAddress() {
    return Optional.ofNullable(contracts.get(CHECKPOINTS)).map(DeployedContract::address);
  }

  /** A deployment parameter as a number (e.g. {@code unbondingPeriod}, {@code minSelfStake}). */
  public Optional<BigInteger> numericParameter(String name) {
    return Optional.ofNullable(parameters.get(name)).map(BigInteger::new);
  }

  /** Reads a deployment file. */
  public static Deployment read(Path file) {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ChainException("cannot read deployment file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Parses the JSON that deploy.js writes. */
  public static Deployment parse(String json) {
    try {
      JsonObject root = JsonParser.parseString(json).getAsJsonObject();
      Map<String, DeployedContract> contracts = new LinkedHashMap<>();
      for (Map.Entry<String, JsonElement> e : root.getAsJsonObject("contracts").entrySet()) {
        JsonObject c = e.getValue().getAsJsonObject();
        contracts.put(e.getKey(), new DeployedContract(
            c.get("address").getAsString(), optLong(c, "block", 0), optString(c, "txHash", null)));
      }
      Map<String, String> parameters = new LinkedHashMap<>();
      if (root.has("parameters")) {
        // deploy.js writes uint256 values as strings and small ones as numbers; keep both as text
        root.getAsJsonObject("parameters").entrySet()
            .forEach(e -> parameters.put(e.getKey(), e.getValue().getAsString()));
      }
      JsonObject staking = root.getAsJsonObject("staking");
      return new Deployment(
          root.get("chainId").getAsLong(),
          optString(root, "rpc", null),
          root.get("deployer").getAsString(),
          root.get("deployBlock").getAsLong(),
          optLong(root, "lastDeployBlock", root.get("deployBlock").getAsLong()),
          contracts,
          parameters,
          staking.get("genesisTime").getAsLong(),
          staking.get("epochLength").getAsLong());
    } catch (JsonParseException | IllegalStateException | NullPointerException | UnsupportedOperationException e) {
      // gson reports a missing field as an NPE and a wrong kind as ISE/UOE: one clear message instead
      throw new ChainException("malformed deployment JSON: " + e.getMessage(), e);
    }
  }

  private static long optLong(JsonObject o, String name, long fallback) {
    return o.has(name) && !o.get(name).isJsonNull() ? o.get(name).getAsLong() : fallback;
  }

  private static String optString(JsonObject o, String name, String fallback) {
    return o.has(name) && !o.get(name).isJsonNull() ? o.get(name).getAsString() : fallback;
  }
}
