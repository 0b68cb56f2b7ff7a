package example;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import org.xmtpj.client.ConsentState;
import org.xmtpj.client.Conversation;
import org.xmtpj.client.DecodedMessage;
import org.xmtpj.client.ListOptions;
import org.xmtpj.client.Signer;
import org.xmtpj.client.XmtpClient;
import org.xmtpj.client.XmtpStream;
import org.xmtpj.crypto.Secp256k1;

/**
 * The docs/sdk.md quickstart, compiled and run by the build (QuickstartTest) so it stays true. Uses only the SDK's
 * public API. Run: {@code java example.Quickstart http://localhost:5555}
 */
public final class Quickstart {
  public static void main(String[] args) throws Exception {
    run(args.length > 0 ? args[0] : "http://localhost:5555");
  }

  public static String run(String node) throws Exception {
    SecureRandom random = new SecureRandom();
    StringBuilder log = new StringBuilder();
    // Two users with fresh wallets; a real app would use its user's wallet (any Signer implementation).
    Signer aliceWallet = Signer.privateKey(Secp256k1.generatePrivateKey(random));
    Signer bobWallet = Signer.privateKey(Secp256k1.generatePrivateKey(random));

    try (XmtpClient alice = XmtpClient.builder(aliceWallet).node(node).build();
        XmtpClient bob = XmtpClient.builder(bobWallet).node(node).build();
        XmtpStream<DecodedMessage> bobInbox = bob.conversations().streamAllMessages()) {

      if (!alice.canMessage(bob.address())) {
        throw new IllegalStateException("bob is not on the network");
      }
      Conversation chat = alice.conversations().newConversation(bob.address(), "example/1", Map.of("topic", "demo"));
      chat.send("gm bob");

      DecodedMessage received = bobInbox.poll(Duration.ofSeconds(10));
      log.append("bob got: ").append(received.text()).append(" from ").append(received.senderAddress()).append('\n');

      Conversation reply = bob.conversations().list().get(0);
      reply.send("gm alice");
      for (DecodedMessage m : chat.messages(ListOptions.ALL).messages()) {
        log.append(m.senderAddress().equals(alice.address()) ? "alice: " : "bob: ").append(m.text()).append('\n');
      }

      bob.consent().deny(alice.address());
      ConsentState state = bob.consent().state(alice.address());
      log.append("bob's consent for alice: ").append(state).append('\n');
    }
    System.out.print(log);
    return log.toString();
  }
}
