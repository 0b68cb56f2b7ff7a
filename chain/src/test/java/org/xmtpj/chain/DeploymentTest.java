package org.xmtpj.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class DeploymentTest {
  /** Shaped exactly like deploy.js's output (numbers for small parameters, strings for uint256 ones). */
  static final String JSON = """
      {
        "chainId": 31337,
        "rpc": "http://127.0.0.1:18545",
        "deployer": "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
        "deployBlock": 1,
        "lastDeployBlock": 4,
        "deployedAt": "2026-11-26T04:39:08.503Z",
        "minterBound": true,
        "contracts": {
          "Token": {"address": "0x5FbDB2315678afecb367f032d93F642f64180aa3", "block": 1, "txHash": "0xea"},
          "NodeRegistry": {"address": "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512", "block": 2, "txHash": "0x73"},
          "Staking": {"address": "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0", "block": 3, "txHash": "0x4b"},
          "IdentityRegistry": {"address": "0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9", "block": 4, "txHash": "0xbc"}
        },
        "parameters": {"maxCommissionBps": 5000, "minSelfStake": "10000000000000000000000", "epochLength": "60"},
        "staking": {"genesisTime": "1795667949", "epochLength": "60", "maxCandidates": "200"}
      }
      """;

  @Test
  void readsAddressesBlocksAndParametersOfTheDeployJsOutput() {
    Deployment d = Deployment.parse(JSON);

    assertThat(d.chainId()).isEqualTo(31337);
    assertThat(d.deployer()).isEqualTo("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    assertThat(d.deployBlock()).isEqualTo(1);
    assertThat(d.lastDeployBlock()).isEqualTo(4);
    assertThat(d.tokenAddress()).isEqualTo("0x5FbDB2315678afecb367f032d93F642f64180aa3");
    assertThat(d.nodeRegistryAddress()).isEqualTo("0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512");
    assertThat(d.stakingAddress()).isEqualTo("0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0");
    assertThat(d.identityRegistryAddress()).isEqualTo("0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9");
    assertThat(d.contracts().get(Deployment.STAKING).block()).isEqualTo(3);
    assertThat(d.genesisTime()).isEqualTo(1795667949L);
    assertThat(d.epochLength()).isEqualTo(60);
    assertThat(d.numericParameter("maxCommissionBps")).contains(BigInteger.valueOf(5000));
    assertThat(d.numericParameter("minSelfStake")).contains(new BigInteger("10000000000000000000000"));
    assertThat(d.numericParameter("absent")).isEmpty();
  }

  @Test
  void checkpointsIsOptionalSoOlderDeploymentFilesStillParse() {
    assertThat(Deployment.parse(JSON).checkpointsAddress()).isEmpty();

    String withCheckpoints = JSON.replace("\"txHash\": \"0xbc\"}", "\"txHash\": \"0xbc\"},\n"
        + "    \"Checkpoints\": {\"address\": \"0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9\", \"block\": 5}");
    Deployment d = Deployment.parse(withCheckpoints);

    assertThat(d.checkpointsAddress()).contains("0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9");
    assertThat(d.contracts().get(Deployment.CHECKPOINTS).block()).isEqualTo(5);
  }

  @Test
  void aDeploymentWithoutOneOfTheFourContractsIsRejected() {
    String noStaking = JSON.replaceAll("\"Staking\": \\{[^}]*},", "");

    assertThatThrownBy(() -> Deployment.parse(noStaking))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Staking");
  }

  @Test
  void malformedJsonIsAChainExceptionNamingTheProblem() {
    assertThatThrownBy(() -> Deployment.parse("{\"chainId\": 1}"))
        .isInstanceOf(ChainException.class).hasMessageStartingWith("malformed deployment JSON");
    assertThatThrownBy(() -> Deployment.parse("not json"))
        .isInstanceOf(ChainException.class);
  }
}
