package org.xmtpj.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.core.Response;

class RevertDecoderTest {

  @Test
  void decodesACustomErrorWithArgumentsFromHardhatsErrorShape() {
    // what Hardhat 2.29.1 answered to identityOf(unregistered) in eth_call
    Response.Error error = new Response.Error(-32603,
        "Error: VM Exception while processing transaction: reverted with custom error 'NotRegistered(...)'");
    error.setData("{\"message\":\"...\",\"data\":"
        + "\"0xbfc6c33700000000000000000000000070997970c51812dc3a010c7d01b50e49a799c8c8\"}");

    ContractRevertException e = RevertDecoder.fromRpcError("IdentityRegistry.identityOf", error);

    assertThat(e.errorName()).isEqualTo("NotRegistered");
    assertThat(e.arguments()).containsExactly("0x70997970c51812dc3a010c7d01b50e49a799c8c8");
    assertThat(e.getMessage()).isEqualTo("IdentityRegistry.identityOf reverted with "
        + "NotRegistered(0x70997970c51812dc3a010c7d01b50e49a799c8c8)");
  }

  @Test
  void decodesAnArgumentlessCustomErrorFromGethsErrorShape() {
    Response.Error error = new Response.Error(3, "execution reverted");
    error.setData("\"0x1fe8da84\"");

    assertThat(RevertDecoder.fromRpcError("NodeRegistry.register", error).errorName()).isEqualTo("ZeroNodeKey");
  }

  @Test
  void decodesStandardErrorStringsAndPanics() {
    String error = "0x08c379a0" + "0000000000000000000000000000000000000000000000000000000000000020"
        + "0000000000000000000000000000000000000000000000000000000000000004"
        + "6f6f707300000000000000000000000000000000000000000000000000000000"; // "oops"
    String panic = "0x4e487b71" + "0000000000000000000000000000000000000000000000000000000000000011";

    assertThat(RevertDecoder.fromData("op", error).arguments()).containsExactly("oops");
    ContractRevertException p = RevertDecoder.fromData("op", panic);
    assertThat(p.errorName()).isEqualTo("Panic");
    assertThat(p.arguments()).containsExactly(BigInteger.valueOf(0x11));
  }

  @Test
  void unknownSelectorsAndEmptyDataStayUndecodedButAreStillReverts() {
    assertThat(RevertDecoder.fromData("op", "0xdeadbeef").errorName()).isEqualTo(ContractRevertException.UNKNOWN);
    assertThat(RevertDecoder.fromData("op", "0x").errorName()).isEqualTo(ContractRevertException.UNKNOWN);
    assertThat(RevertDecoder.fromData("op", null).getMessage()).isEqualTo("op reverted with unknown()");
  }

  @Test
  void rpcErrorsThatAreNotRevertsAreNotMistakenForOnes() {
    Response.Error error = new Response.Error(-32000, "insufficient funds for gas * price + value");

    assertThat(RevertDecoder.fromRpcError("Token.transfer", error)).isNull();
  }

  @Test
  void knowsTheCustomErrorsOfAllFourContractsAndTheirLibraries() {
    assertThat(RevertDecoder.knownErrorNames()).contains("NodeKeyTaken", "UnbondingNotMatured", "TopicReserved",
        "MinterRoleLocked", "InvalidSignature", "ERC20InsufficientBalance", "AccessControlUnauthorizedAccount");
  }
}
