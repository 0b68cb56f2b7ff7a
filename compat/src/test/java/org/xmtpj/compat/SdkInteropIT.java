package org.xmtpj.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.xmtpj.compat.JavaSdk.hex;
import static org.xmtpj.compat.JavaSdk.millis;
import static org.xmtpj.compat.JavaSdk.newWalletKey;
import static org.xmtpj.compat.JavaSdk.next;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xmtpj.client.ConsentState;
import org.xmtpj.client.Conversation;
import org.xmtpj.client.DecodedMessage;
import org.xmtpj.client.XmtpClient;
import org.xmtpj.client.XmtpStream;
import org.xmtpj.testing.NodeProcess;

/**
 * The Java SDK ({@code client}) and the real npm {@code @xmtp/xmtp-js} 13.0.4 client ({@link JsClient}) as users of
 * one node process: conversations and messages both ways, live and in history; consent and key bundles shared by the
 * two SDKs for one wallet; contact lookups. Every scenario runs with the Java SDK on the HTTP gateway and on gRPC;
 * xmtp-js always uses HTTP.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SdkInteropIT {
    private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(20);

    private NodeProcess node;
    /** What a test opened (clients, streams, drivers), closed after it in reverse order. */
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    @BeforeAll
    void startNode() throws Exception {
        XmtpJs.ensureInstalled();
        Path dataDir = Files.createTempDirectory(Files.createDirectories(XmtpJs.TARGET_DIR), "sdk-interop-node-");
        node = NodeProcess.start(dataDir, List.of());
    }

    @AfterEach
    void closeWhatTheTestOpened() {
        while (!opened.isEmpty()) {
            AutoCloseable c = opened.pop();
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("closing " + c + ": " + e);
            }
        }
    }

    @AfterAll
    void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(SdkTransport.class)
    void shouldDeliverJsInitiatedConversationToJavaAndReplyBack(SdkTransport transport) throws Exception {
        XmtpClient bob = java(transport, newWalletKey());
        JsClient alice = js("alice");
        JsClient.Identity aliceId = alice.create(newWalletKey(), node.httpUrl());
        XmtpStream<Conversation> bobsConversations = open(bob.conversations().stream());
        XmtpStream<DecodedMessage> bobsMessages = open(bob.conversations().streamAllMessages());
        long mark = alice.subscriptionsOpened();

        JsClient.Conversation started = alice.newConversation(bob.address(), "interop/a", Map.of("from", "xmtp-js"));
        Conversation seen = next(bobsConversations);
        assertThat(seen.topic()).isEqualTo(started.topic());
        assertThat(seen.peerAddress()).isEqualTo(aliceId.address());
        assertThat(seen.conversationId()).isEqualTo("interop/a");
        assertThat(seen.metadata()).isEqualTo(Map.of("from", "xmtp-js"));
        // both read the invitation header's createdNs; xmtp-js stamps whole milliseconds, so nothing is lost
        assertThat(Long.toString(seen.createdNs())).isEqualTo(started.createdNs());
        assertThat(bob.conversations().list()).extracting(Conversation::topic).containsExactly(started.topic());
        String alicesStream = alice.streamMessages(started.topic());
        // bob's streamAllMessages re-subscribes for the new topic (and catches up from the store), maybe while alice's
        // stream opens, which may then reply on his subscription: two more subscriptions mean hers is live too
        alice.awaitSubscriptions(mark, 2);

        JsClient.Sent hello = alice.send(started.topic(), "gm from xmtp-js");
        DecodedMessage live = next(bobsMessages);
        assertThat(live.id()).isEqualTo(hello.id());
        assertThat(live.topic()).isEqualTo(started.topic());
        assertThat(live.senderAddress()).isEqualTo(aliceId.address());
        assertThat(live.text()).isEqualTo("gm from xmtp-js");
        assertThat(live.sentNs()).isEqualTo(Long.parseLong(hello.sentNs()));
        assertThat(seen.messages().messages()).containsExactly(live);

        DecodedMessage reply = seen.send("gm back from the Java SDK");
        JsClient.Message got = alice.awaitMessage(alicesStream, m -> m.id().equals(reply.id()), EVENT_TIMEOUT);
        assertThat(got.senderAddress()).isEqualTo(bob.address());
        assertThat(got.content()).isEqualTo("gm back from the Java SDK");
        assertThat(got.contentType()).isEqualTo("xmtp.org/text:1.0");
        // the Java SDK stamps nanoseconds; xmtp-js shows the same instant truncated to milliseconds
        assertThat(millis(got.sentNs())).isEqualTo(millis(reply.sentNs()));
        assertThat(alice.messages(started.topic())).extracting(JsClient.Message::id)
                .containsExactly(hello.id(), reply.id());
        // bob's all-messages stream carries his own reply as well, once
        assertThat(next(bobsMessages)).isEqualTo(reply);
        assertThat(seen.messages().messages()).containsExactly(live, reply);
        assertThat(bobsMessages.drainSkipped()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(SdkTransport.class)
    void shouldDeliverJavaInitiatedConversationToJsAndStreamTheReplyLive(SdkTransport transport) throws Exception {
        XmtpClient alice = java(transport, newWalletKey());
        JsClient bob = js("bob");
        JsClient.Identity bobId = bob.create(newWalletKey(), node.httpUrl());
        String bobsConversations = bob.streamConversations();
        String bobsMessages = bob.streamAllMessages();
        long mark = bob.subscriptionsOpened();

        Conversation started = alice.conversations().newConversation(bobId.address(), "interop/b",
                Map.of("from", "java-sdk"));
        XmtpStream<DecodedMessage> alicesStream = open(started.streamMessages());
        JsClient.Conversation seen =
                bob.awaitConversation(bobsConversations, c -> c.topic().equals(started.topic()), EVENT_TIMEOUT);
        assertThat(seen.peerAddress()).isEqualTo(alice.address());
        assertThat(seen.conversationId()).isEqualTo("interop/b");
        assertThat(seen.metadata()).isEqualTo(Map.of("from", "java-sdk"));
        // the Java SDK's createdNs has nanoseconds; xmtp-js keeps the header's value exactly
        assertThat(seen.createdNs()).isEqualTo(Long.toString(started.createdNs()));
        assertThat(bob.listConversations()).contains(seen);
        // xmtp-js's streamAllMessages re-subscribes with a new request once the invitation arrived and does not query
        // what it missed (wire spec section 9, item 12); alice's stream opened meanwhile: both counted, both live
        bob.awaitSubscriptions(mark, 2);

        DecodedMessage hello = started.send("gm from the Java SDK");
        JsClient.Message got = bob.awaitMessage(bobsMessages, m -> m.id().equals(hello.id()), EVENT_TIMEOUT);
        assertThat(got.topic()).isEqualTo(started.topic());
        assertThat(got.senderAddress()).isEqualTo(alice.address());
        assertThat(got.content()).isEqualTo("gm from the Java SDK");
        assertThat(millis(got.sentNs())).isEqualTo(millis(hello.sentNs()));
        assertThat(next(alicesStream)).isEqualTo(hello);

        JsClient.Sent reply = bob.send(started.topic(), "gm back from xmtp-js");
        DecodedMessage live = next(alicesStream);
        assertThat(live.id()).isEqualTo(reply.id());
        assertThat(live.senderAddress()).isEqualTo(bobId.address());
        assertThat(live.text()).isEqualTo("gm back from xmtp-js");
        assertThat(live.sentNs()).isEqualTo(Long.parseLong(reply.sentNs()));
        assertThat(bob.messages(started.topic())).extracting(JsClient.Message::id)
                .containsExactly(hello.id(), reply.id());
        assertThat(started.messages().messages()).containsExactly(hello, live);
        assertThat(alicesStream.drainSkipped()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(SdkTransport.class)
    void shouldShareConsentDecisionsBetweenJavaAndJsClientsOfOneWallet(SdkTransport transport) throws Exception {
        String wallet = newWalletKey();
        XmtpClient inJava = java(transport, wallet);
        JsClient inJs = js("consent");
        assertThat(inJs.create(wallet, node.httpUrl()).address()).isEqualTo(inJava.address());
        String x = JavaSdk.strangerAddress();

        inJava.consent().deny(x);
        // a JS client starts with no list: only its refresh can bring the Java SDK's deny from the node
        assertThat(inJs.consentState(x, true)).isEqualTo("denied");
        inJs.allow(List.of(x));
        assertThat(inJava.consent().state(x)).isEqualTo(ConsentState.ALLOWED);
        assertThat(inJs.consentState(x, true)).isEqualTo("allowed");

        // xmtp-js keys its list by the exact string it was given; the Java SDK reads any letter case as the address
        inJs.deny(List.of(x.toLowerCase()));
        assertThat(inJava.consent().state(x)).isEqualTo(ConsentState.DENIED);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(SdkTransport.class)
    void shouldAllowThePeerOnTheInitiatorSideInBothSdks(SdkTransport transport) throws Exception {
        String wallet = newWalletKey();
        XmtpClient inJava = java(transport, wallet);
        JsClient inJs = js("initiator");
        inJs.create(wallet, node.httpUrl());
        XmtpClient peerOfJava = java(transport, newWalletKey());
        XmtpClient peerOfJs = java(transport, newWalletKey());

        inJava.conversations().newConversation(peerOfJava.address());
        assertThat(inJava.consent().state(peerOfJava.address())).isEqualTo(ConsentState.ALLOWED);
        assertThat(inJs.consentState(peerOfJava.address(), true)).isEqualTo("allowed");

        inJs.newConversation(peerOfJs.address());
        assertThat(inJs.consentState(peerOfJs.address(), false)).isEqualTo("allowed");
        assertThat(inJava.consent().state(peerOfJs.address())).isEqualTo(ConsentState.ALLOWED);

        // the invited side decides for itself: an invitation records nothing on its list
        assertThat(peerOfJava.consent().state(inJava.address())).isEqualTo(ConsentState.UNKNOWN);
        assertThat(peerOfJs.consent().state(inJava.address())).isEqualTo(ConsentState.UNKNOWN);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(SdkTransport.class)
    void shouldLoadAJavaCreatedIdentityInJsWithItsConversations(SdkTransport transport) throws Exception {
        String wallet = newWalletKey();
        XmtpClient first = java(transport, wallet);
        XmtpClient peer = java(transport, newWalletKey());
        Conversation c = first.conversations().newConversation(peer.address(), "interop/d", Map.of("k", "v"));
        DecodedMessage before = c.send("written by the Java SDK");

        JsClient sameWallet = js("java-created");
        JsClient.Identity id = sameWallet.create(wallet, node.httpUrl());
        assertThat(id.address()).isEqualTo(first.address());
        assertThat(first.identityKey()).hasSize(65);
        assertThat(id.identityKeyHex()).isEqualTo(hex(first.identityKey()));
        assertThat(sameWallet.listConversations()).singleElement().satisfies(listed -> {
            assertThat(listed.topic()).isEqualTo(c.topic());
            assertThat(listed.peerAddress()).isEqualTo(peer.address());
            assertThat(listed.conversationId()).isEqualTo("interop/d");
            assertThat(listed.metadata()).isEqualTo(Map.of("k", "v"));
        });
        assertThat(sameWallet.messages(c.topic())).singleElement().satisfies(m -> {
            assertThat(m.id()).isEqualTo(before.id());
            assertThat(m.senderAddress()).isEqualTo(first.address());
            assertThat(m.content()).isEqualTo("written by the Java SDK");
        });

        // xmtp-js writes as the same user: the peer sees both messages from one sender
        JsClient.Sent after = sameWallet.send(c.topic(), "written by xmtp-js with the same keys");
        assertThat(peer.conversations().list()).singleElement().satisfies(p ->
                assertThat(p.messages().messages()).extracting(DecodedMessage::id, DecodedMessage::senderAddress)
                        .containsExactly(tuple(before.id(), first.address()),
                                tuple(after.id(), first.address())));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(SdkTransport.class)
    void shouldLoadAJsCreatedIdentityInJavaFromNetworkAndKeyBundle(SdkTransport transport) throws Exception {
        String wallet = newWalletKey();
        JsClient first = js("js-created");
        JsClient.Identity id = first.create(wallet, node.httpUrl());
        XmtpClient peer = java(transport, newWalletKey());
        JsClient.Conversation c = first.newConversation(peer.address(), "interop/d2", Map.of());
        JsClient.Sent sent = first.send(c.topic(), "written by xmtp-js");

        XmtpClient sameWallet = java(transport, wallet);
        assertThat(sameWallet.address()).isEqualTo(id.address());
        assertThat(hex(sameWallet.identityKey())).isEqualTo(id.identityKeyHex());
        assertReadsConversation(sameWallet, c, sent, id.address());

        byte[] exported = Base64.getDecoder().decode(first.exportKeyBundle());
        XmtpClient restored = open(XmtpClient.fromKeyBundle(exported).node(transport.url(node)).build());
        assertThat(restored.address()).isEqualTo(id.address());
        assertThat(hex(restored.identityKey())).isEqualTo(id.identityKeyHex());
        // the same keys in the same encoding: the bundle survives a round trip through the Java SDK byte for byte
        assertThat(restored.exportKeyBundle()).isEqualTo(exported);
        assertThat(sameWallet.exportKeyBundle()).isEqualTo(exported);
        assertReadsConversation(restored, c, sent, id.address());
    }

    private static void assertReadsConversation(XmtpClient reader, JsClient.Conversation c, JsClient.Sent sent,
            String sender) {
        assertThat(reader.conversations().list()).singleElement().satisfies(listed -> {
            assertThat(listed.topic()).isEqualTo(c.topic());
            assertThat(listed.peerAddress()).isEqualTo(c.peerAddress());
            assertThat(listed.conversationId()).isEqualTo(c.conversationId());
            assertThat(listed.messages().messages()).singleElement().satisfies(m -> {
                assertThat(m.id()).isEqualTo(sent.id());
                assertThat(m.senderAddress()).isEqualTo(sender);
            });
        });
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(SdkTransport.class)
    void shouldRestoreAJavaExportedKeyBundleInJs(SdkTransport transport) throws Exception {
        XmtpClient javaUser = java(transport, newWalletKey());
        XmtpClient peer = java(transport, newWalletKey());
        Conversation c = javaUser.conversations().newConversation(peer.address());
        DecodedMessage before = c.send("before the export");
        String exported = Base64.getEncoder().encodeToString(javaUser.exportKeyBundle());

        JsClient restored = js("from-java-keys");
        JsClient.Identity id = restored.createFromKeys(exported, node.httpUrl());
        assertThat(id.address()).isEqualTo(javaUser.address());
        assertThat(id.identityKeyHex()).isEqualTo(hex(javaUser.identityKey()));
        assertThat(restored.exportKeyBundle()).isEqualTo(exported);
        assertThat(restored.listConversations()).extracting(JsClient.Conversation::topic).containsExactly(c.topic());
        assertThat(restored.messages(c.topic())).extracting(JsClient.Message::id).containsExactly(before.id());

        XmtpStream<DecodedMessage> peersStream = open(peer.conversations().list().get(0).streamMessages());
        JsClient.Sent after = restored.send(c.topic(), "after the export, from xmtp-js");
        DecodedMessage got = next(peersStream);
        assertThat(got.id()).isEqualTo(after.id());
        assertThat(got.senderAddress()).isEqualTo(javaUser.address());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(SdkTransport.class)
    void shouldAnswerCanMessageForUsersOfEitherSdk(SdkTransport transport) throws Exception {
        XmtpClient javaUser = java(transport, newWalletKey());
        JsClient jsUser = js("can-message");
        String jsAddress = jsUser.create(newWalletKey(), node.httpUrl()).address();
        String stranger = JavaSdk.strangerAddress();

        assertThat(jsUser.canMessage(javaUser.address())).isTrue();
        assertThat(jsUser.canMessage(stranger)).isFalse();
        assertThat(jsUser.canMessageStatic(List.of(javaUser.address(), stranger))).containsExactly(true, false);

        assertThat(javaUser.canMessage(jsAddress)).isTrue();
        assertThat(javaUser.canMessage(jsAddress.toLowerCase())).isTrue();
        assertThat(javaUser.canMessage(stranger)).isFalse();
        assertThat(javaUser.canMessage(List.of(jsAddress, stranger)))
                .containsExactly(Map.entry(jsAddress, true), Map.entry(stranger, false));
    }

    // ------------------------------------------------------------------------------------------ resources

    private XmtpClient java(SdkTransport transport, String walletKey) {
        return open(JavaSdk.client(walletKey, transport.url(node)));
    }

    private JsClient js(String name) throws Exception {
        return open(JsClient.start(name));
    }

    private <T extends AutoCloseable> T open(T resource) {
        opened.push(resource);
        return resource;
    }
}
