package org.xmtpj.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.xmtpj.testing.NodeProcess;

/**
 * The interop driver ({@code js/interop.cjs} through {@link JsClient}) against one node process: two xmtp-js clients,
 * each in its own driver, talk to each other, and the driver's ops that the SDK interop tests will rely on (consent,
 * key export and import, error replies) behave as documented.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class JsDriverIT {
    private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(20);
    /** The order of the secp256k1 group: a wallet key must lie in [1, n-1]. */
    private static final BigInteger SECP256K1_N =
            new BigInteger("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16);
    private static final SecureRandom RANDOM = new SecureRandom();

    private NodeProcess node;
    private JsClient alice;
    private JsClient bob;
    private final String aliceKey = randomWalletKey();
    private JsClient.Identity aliceId;
    private JsClient.Identity bobId;

    @BeforeAll
    void startNodeAndClients() throws Exception {
        Path dataDir = Files.createTempDirectory(Files.createDirectories(XmtpJs.TARGET_DIR), "js-driver-node-");
        node = NodeProcess.start(dataDir, List.of());
        alice = JsClient.start("alice");
        bob = JsClient.start("bob");
        aliceId = alice.create(aliceKey, node.httpUrl());
        bobId = bob.create(randomWalletKey(), node.httpUrl());
    }

    @AfterAll
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {alice, bob, node}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                System.err.println("closing " + c + ": " + e);
            }
        }
    }

    @Test
    void shouldDeliverConversationAndMessagesBetweenTwoDriversLiveAndInHistory() throws Exception {
        String conversations = bob.streamConversations();
        String bobsStream = bob.streamAllMessages();
        long mark = bob.subscriptionsOpened();
        JsClient.Conversation started = startConversationSeenLiveByBob(conversations);
        String alicesStream = alice.streamMessages(started.topic());
        // bob's streamAllMessages re-subscribes with the new topic once the invitation has arrived, maybe while alice's
        // stream opens; nothing else subscribes meanwhile, so two more subscriptions mean both are live
        bob.awaitSubscriptions(mark, 2);

        List<String> texts = List.of("x/1 #1", "x/1 #2", "x/1 #3");
        List<String> ids = new ArrayList<>();
        for (String text : texts) {
            ids.add(alice.send(started.topic(), text).id());
        }
        for (int i = 0; i < texts.size(); i++) {
            String id = ids.get(i);
            JsClient.Message live = bob.awaitMessage(bobsStream, m -> m.id().equals(id), EVENT_TIMEOUT);
            assertThat(live).isEqualTo(bob.messages(started.topic()).get(i));
            assertThat(live.content()).isEqualTo(texts.get(i));
            assertThat(live.senderAddress()).isEqualTo(aliceId.address());
            assertThat(live.topic()).isEqualTo(started.topic());
            assertThat(live.contentType()).isEqualTo("xmtp.org/text:1.0");
        }
        assertThat(bob.messages(started.topic())).extracting(JsClient.Message::id).containsExactlyElementsOf(ids);

        ids.add(bob.send(started.topic(), "x/1 reply").id());
        for (String id : ids) {
            alice.awaitMessage(alicesStream, m -> m.id().equals(id), EVENT_TIMEOUT);
        }
        List<JsClient.Message> history = alice.messages(started.topic());
        assertThat(history).extracting(JsClient.Message::id).containsExactlyElementsOf(ids);
        assertThat(history.get(3).senderAddress()).isEqualTo(bobId.address());
        assertThat(history.get(3).content()).isEqualTo("x/1 reply");
        assertThat(alice.messages(started.topic(), 2, "desc")).extracting(JsClient.Message::id)
                .containsExactly(ids.get(3), ids.get(2));

        alice.closeStream(alicesStream);
        bob.closeStream(conversations);
        bob.closeStream(bobsStream);
        assertThat(alice.strayOutput()).as("alice's stdout holds protocol lines only").isEmpty();
        assertThat(bob.strayOutput()).as("bob's stdout holds protocol lines only").isEmpty();
    }

    /** alice starts conversation "x/1" with bob; bob's conversation stream delivers it, equal to his list's. */
    private JsClient.Conversation startConversationSeenLiveByBob(String bobsConversationStream) {
        JsClient.Conversation started = alice.newConversation(bobId.address(), "x/1", Map.of("origin", "test"));
        assertThat(started.topic()).startsWith("/xmtp/0/m-");
        assertThat(started.peerAddress()).isEqualTo(bobId.address());
        assertThat(started.conversationId()).isEqualTo("x/1");

        JsClient.Conversation seen =
                bob.awaitConversation(bobsConversationStream, c -> c.topic().equals(started.topic()), EVENT_TIMEOUT);
        assertThat(seen.peerAddress()).isEqualTo(aliceId.address());
        assertThat(seen.conversationId()).isEqualTo("x/1");
        assertThat(seen.metadata()).isEqualTo(Map.of("origin", "test"));
        // both sides read createdNs from the same invitation header
        assertThat(seen.createdNs()).isEqualTo(started.createdNs());
        assertThat(bob.listConversations()).contains(seen);
        return started;
    }

    @Test
    void shouldKeepADenyOnTheNetworkForANewClientOfTheSameWallet() throws Exception {
        alice.deny(List.of(bobId.address()));
        assertThat(alice.consentState(bobId.address(), false)).isEqualTo("denied");

        try (JsClient aliceAgain = JsClient.start("alice-again")) {
            assertThat(aliceAgain.create(aliceKey, node.httpUrl())).isEqualTo(aliceId);
            // a new client starts with no consent list: only the refresh can bring the deny back from the node
            assertThat(aliceAgain.consentState(bobId.address(), true)).isEqualTo("denied");

            alice.allow(List.of(bobId.address()));
            assertThat(aliceAgain.consentState(bobId.address(), true)).isEqualTo("allowed");
        }
    }

    @Test
    void shouldRestoreTheSameIdentityFromAnExportedKeyBundle() throws Exception {
        String exported = alice.exportKeyBundle();
        assertThat(Base64.getDecoder().decode(exported)).isNotEmpty();
        // Client.getKeys loads the bundle that Client.create stored encrypted on the node: the very same bytes
        assertThat(alice.exportKeyBundleViaGetKeys()).isEqualTo(exported);

        try (JsClient restored = JsClient.start("alice-from-keys")) {
            assertThat(restored.createFromKeys(exported, node.httpUrl())).isEqualTo(aliceId);
            assertThat(restored.exportKeyBundle()).isEqualTo(exported);
            assertThat(restored.canMessage(bobId.address())).isTrue();
        }
        assertThat(aliceId.identityKeyHex()).hasSize(130).startsWith("04");
        assertThat(aliceId.preKeyHex()).hasSize(130).startsWith("04");
    }

    @Test
    void shouldReportFailedOpsWithTheirMessageAndKeepServing() {
        assertThatThrownBy(() -> alice.send("/xmtp/0/m-nothing-here/proto", "lost"))
                .isInstanceOf(JsDriver.DriverError.class)
                .hasMessageContaining("no conversation with topic /xmtp/0/m-nothing-here/proto");
        assertThatThrownBy(() -> alice.call("noSuchOp", Map.of()))
                .isInstanceOf(JsDriver.DriverError.class)
                .hasMessageContaining("unknown op \"noSuchOp\"");
        assertThatThrownBy(() -> alice.create(randomWalletKey(), node.httpUrl()))
                .isInstanceOf(JsDriver.DriverError.class)
                .hasMessageContaining("already has a client");

        String stranger = "0x" + "00".repeat(19) + "01";
        assertThat(alice.canMessageStatic(List.of(aliceId.address(), bobId.address(), stranger)))
                .containsExactly(true, true, false);
        assertThat(alice.canMessage(bobId.address())).isTrue();
    }

    /** A fresh secp256k1 private key, 0x-prefixed hex as ethers.Wallet takes it. */
    static String randomWalletKey() {
        byte[] key = new byte[32];
        BigInteger k;
        do {
            RANDOM.nextBytes(key);
            k = new BigInteger(1, key);
        } while (k.signum() == 0 || k.compareTo(SECP256K1_N) >= 0);
        return "0x" + HexFormat.of().formatHex(key);
    }
}
