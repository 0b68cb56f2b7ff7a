package org.xmtpj.cli;

import java.math.BigInteger;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import org.xmtpj.chain.checkpoint.CheckpointsClient;
import org.xmtpj.chain.checkpoint.FinalizedCheckpoint;
import org.xmtpj.client.Conversation;
import org.xmtpj.client.DecodedMessage;
import org.xmtpj.client.InclusionProof;
import org.xmtpj.client.InclusionVerifier;
import org.xmtpj.client.ListOptions;
import org.xmtpj.client.XmtpClient;
import org.xmtpj.client.XmtpException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code xmtp verify MESSAGE_ID}: asks the node for the message's inclusion proof and checks it against the root
 * finalized on chain (docs/consensus.md §6). The node is not trusted: only the chain's root and the proof's hashes.
 */
@Command(name = "verify", description = {
    "Prove that one of your messages is in a checkpoint finalized on chain (its id: xmtp messages --ids).",
    "Needs --chain-rpc and --deployment."})
final class VerifyCommand implements Callable<Integer> {
  @ParentCommand
  ClientMain root;

  @Parameters(paramLabel = "MESSAGE_ID", description = "64 hex characters")
  String id;

  @Option(names = "--epoch", description = "the finalized epoch to prove against (default: the newest)")
  Long epoch;

  @Override
  public Integer call() {
    if (!id.matches("(?i)[0-9a-f]{64}")) {
      throw new UserSession.CliException("MESSAGE_ID must be 64 hex characters (xmtp messages ADDRESS --ids)");
    }
    CheckpointsClient checkpoints = CheckpointsClient.connect(root.chain().session());
    long e = epoch != null ? epoch : checkpoints.lastFinalizedEpoch().orElseThrow(() ->
        new UserSession.CliException("no checkpoint is finalized on chain yet; try again after the next epoch"));
    FinalizedCheckpoint finalized = checkpoints.checkpoint(e).orElse(null);
    try (XmtpClient client = UserSession.connect(root)) {
      DecodedMessage message = find(client, id.toLowerCase());
      InclusionProof proof;
      try {
        proof = client.inclusionProof(message, e);
      } catch (XmtpException x) {
        throw new UserSession.CliException("the node has no proof for it in epoch " + e + ": " + x.getMessage()
            + (x.getMessage().contains("newer than the cut") ? " (a recent message is in a later checkpoint)" : ""));
      }
      // the finalization window too: a root finalized late could come from stake that had already left
      InclusionVerifier.FinalizationWindow window = finalized == null ? null
          : new InclusionVerifier.FinalizationWindow(checkpoints.finalizedAt(e).orElse(0),
              checkpoints.finalizationDeadline(e));
      var verdict = finalized == null
          ? InclusionVerifier.verify(proof, message.topic(), HexFormat.of().parseHex(message.id()), e, null, null)
          : InclusionVerifier.verify(proof, message.topic(), HexFormat.of().parseHex(message.id()), e,
              finalized.root(), finalized.cutHash(), window);
      if (!verdict.valid()) {
        root.out().println("NOT verified: " + verdict.reason());
        return 1;
      }
      root.out().printf("verified: message %s is in the checkpoint of epoch %d%n", message.id(), e);
      root.out().printf("  root %s, signed by nodes %s with %s of %s stake%n",
          HexFormat.of().formatHex(finalized.root()), finalized.signers(), tokens(finalized.signedStake()),
          tokens(finalized.totalStake()));
      return 0;
    }
  }

  private static DecodedMessage find(XmtpClient client, String id) {
    for (Conversation c : client.conversations().list()) {
      for (DecodedMessage m : c.messages(ListOptions.ALL).messages()) {
        if (m.id().equals(id)) {
          return m;
        }
      }
    }
    throw new UserSession.CliException("no message " + id + " in your conversations");
  }

  private static String tokens(BigInteger baseUnits) {
    return OperatorContext.show(baseUnits);
  }
}
