package org.xmtpj.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.xmtpj.compat.JavaSdk.newWalletKey;
import static org.xmtpj.compat.JavaSdk.next;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xmtpj.client.Conversation;
import org.xmtpj.client.DecodedMessage;
import org.xmtpj.client.XmtpClient;
import org.xmtpj.client.XmtpStream;
import org.xmtpj.testing.FaultProxy;
import org.xmtpj.testing.NodeProcess;

/**
 * The Java SDK's streams survive losing their connection without missing or repeating anything: bob reaches a node
 * process only through a {@link FaultProxy}, alice publishes to the node directly. While the proxy is cut (every
 * connection reset, new ones refused) alice sends; once it heals, bob's streams must deliver each of those messages
 * exactly once, in order, and then carry on live. Over the HTTP gateway and over gRPC (HTTP/2): the proxy is plain TCP.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class StreamReconnectIT {
    private static final int SENT_WHILE_CUT = 10;
    /** A reset reaches the stream's reader at once; this only bounds a slow machine. */
    private static final Duration NOTICE_TIMEOUT = Duration.ofSeconds(20);
    /** After the last expected item, how long a late duplicate (a second catch-up, say) is waited for. */
    private static final Duration DUPLICATE_WATCH = Duration.ofMillis(750);

    private NodeProcess node;

    @BeforeAll
    void startNode() throws Exception {
        Path dataDir = Files.createTempDirectory(Files.createDirectories(XmtpJs.TARGET_DIR), "stream-reconnect-node-");
        node = NodeProcess.start(dataDir, List.of());
    }

    @AfterAll
    void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(SdkTransport.class)
    void shouldDeliverMessagesSentWhileCutExactlyOnceAfterReconnecting(SdkTransport transport) throws Exception {
        try (FaultProxy link = FaultProxy.start("bob-" + transport, transport.port(node));
                XmtpClient alice = JavaSdk.client(newWalletKey(), transport.url(node));
                XmtpClient bob = JavaSdk.client(newWalletKey(), transport.url(link.port()));
                XmtpStream<DecodedMessage> all = bob.conversations().streamAllMessages()) {
            // the invitation reaches the open stream, which then follows the new topic: the first message proves it
            Conversation a = alice.conversations().newConversation(bob.address());
            DecodedMessage first = a.send("before the cut");
            assertThat(next(all).id()).isEqualTo(first.id());
            Conversation b = bob.conversations().list().get(0);
            // opened after "before the cut" was sent: a catch-up reads from before the gap (minus clock skew), and
            // must still not hand this stream what was on the topic before it began
            try (XmtpStream<DecodedMessage> one = b.streamMessages()) {
                List<String> sent = sendWhileCut(link, a, all, one);
                assertThat(take(all, SENT_WHILE_CUT)).extracting(DecodedMessage::id).containsExactlyElementsOf(sent);
                assertThat(take(one, SENT_WHILE_CUT)).extracting(DecodedMessage::id).containsExactlyElementsOf(sent);

                DecodedMessage live = a.send("after the heal");
                assertThat(next(all).id()).isEqualTo(live.id());
                assertThat(next(one).id()).isEqualTo(live.id());
                assertThat(all.poll(DUPLICATE_WATCH)).as("a duplicate on streamAllMessages").isNull();
                assertThat(one.poll(DUPLICATE_WATCH)).as("a duplicate on streamMessages").isNull();
                assertThat(all.reconnects()).isGreaterThanOrEqualTo(1);
                assertThat(one.reconnects()).isGreaterThanOrEqualTo(1);
                assertThat(all.drainSkipped()).isEmpty();
                assertThat(one.drainSkipped()).isEmpty();
                assertThat(all.isOpen()).isTrue();
                assertThat(one.isOpen()).isTrue();
            }
        }
    }

    /**
     * Cuts bob's link, waits until both streams have noticed, sends while they are away, waits until at least one
     * reconnect attempt has been refused (so the streams must survive failed attempts too), then heals.
     */
    private static List<String> sendWhileCut(FaultProxy link, Conversation a, XmtpStream<DecodedMessage> all,
            XmtpStream<DecodedMessage> one) {
        long refusedBefore = link.refusedConnections();
        link.cut();
        await("both streams notice the cut").atMost(NOTICE_TIMEOUT)
                .until(() -> all.reconnects() >= 1 && one.reconnects() >= 1);
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= SENT_WHILE_CUT; i++) {
            ids.add(a.send("while cut #" + i).id());
        }
        await("a reconnect attempt is refused").atMost(NOTICE_TIMEOUT)
                .until(() -> link.refusedConnections() > refusedBefore);
        link.heal();
        return ids;
    }

    private static List<DecodedMessage> take(XmtpStream<DecodedMessage> stream, int count) throws Exception {
        List<DecodedMessage> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(next(stream));
        }
        return out;
    }
}
