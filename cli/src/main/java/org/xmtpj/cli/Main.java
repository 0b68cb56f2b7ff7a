package org.xmtpj.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code xmtpd}. */
@Command(name = "xmtpd", mixinStandardHelpOptions = true, version = "xmtpd 0.1.0",
    description = "An XMTP network node: stores and relays XMTP topics for XMTP clients.",
    subcommands = {StartCommand.class, DevnetCommand.class, OperatorCommands.Register.class,
        OperatorCommands.Stake.class, OperatorCommands.Delegate.class, OperatorCommands.Undelegate.class,
        OperatorCommands.Withdraw.class, OperatorCommands.Rewards.class, OperatorCommands.Nodes.class})
public final class Main {
  public static void main(String[] args) {
    LogSetup.configure(args);
    int code = new CommandLine(new Main())
        .setExecutionExceptionHandler((ex, cmd, parsed) -> {
          cmd.getErr().println("xmtpd: " + ex.getMessage());
          return ex instanceof IllegalArgumentException ? 2 : 1;
        })
        .execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }
}
