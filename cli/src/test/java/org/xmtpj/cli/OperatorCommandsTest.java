package org.xmtpj.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What the operator commands refuse before any transaction (the chain-backed flows run in ChainDevnetIT). */
class OperatorCommandsTest {
  @TempDir
  Path dir;

  private record Result(int code, String out, String err) {}

  private static Result xmtpd(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = new CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
        .setExecutionExceptionHandler((ex, cmd, parsed) -> {
          cmd.getErr().println("xmtpd: " + ex.getMessage());
          return 1;
        }).execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void shouldParseTokenAmountsExactlyAndRejectNonsense() {
    assertThat(OperatorContext.tokens("10000")).isEqualTo(new BigInteger("10000000000000000000000"));
    assertThat(OperatorContext.tokens("2.5")).isEqualTo(new BigInteger("2500000000000000000"));
    assertThat(OperatorContext.tokens("1,000")).isEqualTo(new BigInteger("1000000000000000000000"));
    assertThatThrownBy(() -> OperatorContext.tokens("0")).hasMessageContaining("positive");
    assertThatThrownBy(() -> OperatorContext.tokens("ten")).hasMessageContaining("number of tokens");
    assertThatThrownBy(() -> OperatorContext.tokens("0.0000000000000000001")).hasMessageContaining("18 decimals");
    assertThat(OperatorContext.show(new BigInteger("20000500000000000000000"))).isEqualTo("20,000.5 tokens");
  }

  @Test
  void shouldSayContractErrorsInWordsAndKeepTheirNames() {
    var notMatured = new org.xmtpj.chain.ContractRevertException("Staking.withdraw", "UnbondingNotMatured",
        java.util.List.of(BigInteger.ONE, BigInteger.valueOf(1_795_674_634L)), null);
    var taken = new org.xmtpj.chain.ContractRevertException("NodeRegistry.register", "OperatorHasNode",
        java.util.List.of("0xabc", BigInteger.TWO), null);
    var unproven = new org.xmtpj.chain.ContractRevertException("NodeRegistry.register", "InvalidNodeKeySignature",
        java.util.List.of(new byte[32]), null);
    var unknown = new org.xmtpj.chain.ContractRevertException("Staking.delegate", "SomethingNew", java.util.List.of(),
        null);

    assertThat(RevertMessages.explain(notMatured))
        .startsWith("unbonding #1 can be withdrawn from 2026-11-26T06:30:34Z").contains("UnbondingNotMatured");
    assertThat(RevertMessages.explain(taken)).startsWith("0xabc already operates node 2 (one node per operator)");
    assertThat(RevertMessages.explain(unproven)).startsWith("the node key did not sign this registration")
        .contains("InvalidNodeKeySignature");
    assertThat(RevertMessages.explain(unknown)).isEqualTo(unknown.getMessage());
  }

  @Test
  void shouldNameTheMissingDeploymentFile() {
    Result r = xmtpd("nodes", "--deployment", dir.resolve("nope.json").toString());

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("no deployment file at " + dir.resolve("nope.json"));
  }

  @Test
  void shouldAskForAKeyFileBeforeSendingATransaction() throws Exception {
    Path deployment = Files.writeString(dir.resolve("d.json"), """
        {"chainId":31337,"rpc":"http://127.0.0.1:1","deployer":"0x0","deployBlock":1,"lastDeployBlock":1,
         "contracts":{"Token":{"address":"0x1"},"NodeRegistry":{"address":"0x2"},"Staking":{"address":"0x3"},
         "IdentityRegistry":{"address":"0x4"}},"parameters":{},"genesisTime":0,"epochLength":60}
        """);
    Path badKey = Files.writeString(dir.resolve("bad.key"), "not hex");

    assertThat(xmtpd("stake", "100", "--deployment", deployment.toString()).err())
        .contains("pass --key-file FILE");
    assertThat(xmtpd("stake", "100", "--deployment", deployment.toString(), "--key-file", badKey.toString()).err())
        .contains("does not hold a 32-byte hex private key");
    assertThat(xmtpd("stake", "-5", "--deployment", deployment.toString()).err()).isNotEmpty();
  }
}
