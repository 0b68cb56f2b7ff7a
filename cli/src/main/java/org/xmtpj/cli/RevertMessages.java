package org.xmtpj.cli;

import java.math.BigInteger;
import java.util.List;
import org.xmtpj.chain.ContractRevertException;

/** The contracts' custom errors, said in words an operator can act on. */
final class RevertMessages {
  private RevertMessages() {}

  static String explain(ContractRevertException e) {
    List<Object> a = e.arguments();
    String words = switch (e.errorName()) {
      case "UnbondingNotMatured" -> "unbonding #" + a.get(0) + " can be withdrawn from "
          + OperatorContext.time(num(a.get(1)).longValueExact());
      case "NotUnbondingOwner" -> "unbonding #" + a.get(0) + " belongs to another account";
      case "OperatorHasNode" -> a.get(0) + " already operates node " + a.get(1) + " (one node per operator)";
      case "NodeKeyTaken" -> "this node key is already registered (a key can be registered only once, ever)";
      case "InvalidNodeKeySignature" -> "the node key did not sign this registration for this operator, chain and"
          + " registry (register from where the node's key is)";
      case "InvalidEndpoint" -> "the endpoint must be 1..256 bytes";
      case "CommissionTooHigh" -> "the commission is above the network's maximum of "
          + num(a.get(1)).intValue() / 100.0 + " %";
      case "UnknownNode" -> "there is no node " + a.get(0);
      case "NodeNotRegistered" -> "node " + a.get(0) + " is deregistered: it accepts no new stake";
      case "InsufficientStake" -> "the stake is " + OperatorContext.show(num(a.get(1))) + ", less than the "
          + OperatorContext.show(num(a.get(0))) + " asked for";
      case "NothingToClaim" -> "there is nothing to claim yet (rewards are credited when an epoch is snapshotted)";
      case "NotEligible" -> "node " + a.get(0) + " is not eligible for the active set: its self-stake is below the"
          + " minimum";
      case "WeakerThanAllCandidates" -> "node " + a.get(0) + " has less stake than every candidate and the"
          + " candidate list is full";
      case "ZeroAmount" -> "the amount must be positive";
      case "ERC20InsufficientBalance" -> "the account holds fewer tokens than that";
      default -> null;
    };
    return words == null ? e.getMessage() : words + " (" + e.getMessage() + ")";
  }

  /** Decoded numbers arrive as BigInteger (or Long for small types, depending on the decoder): take either. */
  private static BigInteger num(Object o) {
    return new BigInteger(String.valueOf(o));
  }
}
