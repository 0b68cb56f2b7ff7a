package org.xmtpj.compat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * One real {@code @xmtp/xmtp-js} 13.0.4 client in its own long-lived driver process ({@code js/interop.cjs}, through
 * {@link JsDriver}), commanded step by step: the xmtp-js side of interop tests. One client per instance: call
 * {@link #create} or {@link #createFromKeys} first. Every call waits {@link JsDriver#DEFAULT_TIMEOUT} at most; a failed
 * op throws {@link JsDriver.DriverError} with xmtp-js's message, and the driver keeps running.
 */
final class JsClient implements AutoCloseable {

    /** What {@code create} and {@code createFromKeys} return; keys are lowercase hex without {@code 0x}. */
    record Identity(String address, String identityKeyHex, String preKeyHex) {}

    /** {@code createdNs}: the invitation header's exact value, in decimal (it exceeds a JS number's precision). */
    record Conversation(String topic, String peerAddress, String conversationId, Map<String, String> metadata,
            String createdNs) {}

    /**
     * {@code content} is null unless the content type is {@code xmtp.org/text}; {@code sentNs} has millisecond
     * precision only (xmtp-js exposes the send time as a Date).
     */
    record Message(String id, String topic, String senderAddress, String content, String contentType,
            String sentNs) {}

    record Sent(String id, String sentNs) {}

    private final JsDriver driver;

    private JsClient(JsDriver driver) {
        this.driver = driver;
    }

    /** Starts a driver process; {@code name} (alice, bob, …) names its log files and appears in failures. */
    static JsClient start(String name) throws IOException, InterruptedException {
        return new JsClient(JsDriver.start(name));
    }

    Identity create(String walletKeyHex, String apiUrl) {
        return identity(call("create", Map.of("walletKey", walletKeyHex, "apiUrl", apiUrl)));
    }

    /** A client from an exported private key bundle ({@code privateKeyOverride}): no wallet involved. */
    Identity createFromKeys(String keysBase64, String apiUrl) {
        return identity(call("createFromKeys", Map.of("keys", keysBase64, "apiUrl", apiUrl)));
    }

    boolean canMessage(String address) {
        return call("canMessage", Map.of("address", address)).getAsBoolean();
    }

    /** The static {@code Client.canMessage(addresses, {apiUrl})}, with this client's API URL. */
    List<Boolean> canMessageStatic(List<String> addresses) {
        List<Boolean> out = new ArrayList<>();
        call("canMessageStatic", Map.of("addresses", addresses)).getAsJsonArray()
                .forEach(e -> out.add(e.getAsBoolean()));
        return out;
    }

    Conversation newConversation(String peer) {
        return conversation(call("newConversation", Map.of("peer", peer)).getAsJsonObject());
    }

    Conversation newConversation(String peer, String conversationId, Map<String, String> metadata) {
        return conversation(call("newConversation",
                Map.of("peer", peer, "conversationId", conversationId, "metadata", metadata)).getAsJsonObject());
    }

    List<Conversation> listConversations() {
        List<Conversation> out = new ArrayList<>();
        call("listConversations", Map.of()).getAsJsonArray().forEach(e -> out.add(conversation(e.getAsJsonObject())));
        return out;
    }

    Sent send(String topic, String text) {
        return send(topic, text, false);
    }

    /** An ephemeral message goes to the conversation's ephemeral topic: streamed, never stored. */
    Sent send(String topic, String text, boolean ephemeral) {
        JsonObject r = call("send", Map.of("topic", topic, "text", text, "ephemeral", ephemeral)).getAsJsonObject();
        return new Sent(r.get("id").getAsString(), r.get("sentNs").getAsString());
    }

    List<Message> messages(String topic) {
        return messages(topic, null, "asc");
    }

    /** {@code direction}: "asc" or "desc"; {@code limit} null for all. */
    List<Message> messages(String topic, Integer limit, String direction) {
        Map<String, Object> args = new LinkedHashMap<>(Map.of("topic", topic, "direction", direction));
        if (limit != null) {
            args.put("limit", limit);
        }
        List<Message> out = new ArrayList<>();
        call("messages", args).getAsJsonArray().forEach(e -> out.add(message(e.getAsJsonObject())));
        return out;
    }

    /** The stream ops return once the node has registered the subscription (see interop.cjs): publish right after. */
    String streamConversations() {
        return streamId(call("streamConversations", Map.of()));
    }

    String streamMessages(String topic) {
        return streamId(call("streamMessages", Map.of("topic", topic)));
    }

    String streamAllMessages() {
        return streamId(call("streamAllMessages", Map.of()));
    }

    void closeStream(String streamId) {
        call("closeStream", Map.of("streamId", streamId));
    }

    /**
     * The node's count of subscriptions registered so far, by every client on any transport: a mark to wait from with
     * {@link #awaitSubscriptions}. Opens are never taken back, so the count only grows.
     */
    long subscriptionsOpened() {
        return call("subscriptionsOpened", Map.of()).getAsLong();
    }

    /**
     * Returns once the node has registered {@code count} subscriptions since {@code mark}, or fails (the driver gives
     * up after 15 s). Sound only while the test knows every subscription that opens meanwhile: it must count them all.
     * For xmtp-js's streamAllMessages, which re-subscribes with a new request when an invitation arrives and does not
     * query what it missed (wire spec section 9, item 12), take the mark before the invitation is sent.
     */
    void awaitSubscriptions(long mark, int count) {
        call("awaitSubscriptions", Map.of("since", mark, "count", count));
    }

    void allow(List<String> addresses) {
        call("allow", Map.of("addresses", addresses));
    }

    void deny(List<String> addresses) {
        call("deny", Map.of("addresses", addresses));
    }

    /** "allowed", "denied" or "unknown"; {@code refresh} first reloads the consent list from the network. */
    String consentState(String address, boolean refresh) {
        return call("consentState", Map.of("address", address, "refresh", refresh)).getAsString();
    }

    /** Base64 of an encoded {@code PrivateKeyBundle} (v1) from this client's keystore: {@code privateKeyOverride}. */
    String exportKeyBundle() {
        return call("exportKeyBundle", Map.of()).getAsString();
    }

    /** The same through {@code Client.getKeys(wallet)}: a second client that loads the bundle from the network. */
    String exportKeyBundleViaGetKeys() {
        return call("exportKeyBundle", Map.of("viaGetKeys", true)).getAsString();
    }

    /** The next message event of the stream that {@code accept} accepts (others stay for later waits). */
    Message awaitMessage(String streamId, Predicate<Message> accept, Duration timeout) {
        return message(awaitEvent(streamId,
                e -> kind(e).equals("message") && accept.test(message(data(e))), timeout));
    }

    Conversation awaitConversation(String streamId, Predicate<Conversation> accept, Duration timeout) {
        return conversation(awaitEvent(streamId,
                e -> kind(e).equals("conversation") && accept.test(conversation(data(e))), timeout));
    }

    /** The data of the first accepted event; the predicate sees the whole line {@code {event, stream, data}}. */
    JsonObject awaitEvent(String streamId, Predicate<JsonObject> accept, Duration timeout) {
        return data(driver.awaitEvent(streamId, accept, timeout));
    }

    /** Any op, for what has no typed method yet. */
    JsonElement call(String op, Map<String, ?> args) {
        return driver.call(op, args, JsDriver.DEFAULT_TIMEOUT);
    }

    JsDriver driver() {
        return driver;
    }

    List<String> strayOutput() {
        return driver.strayOutput();
    }

    @Override
    public void close() {
        driver.close();
    }

    // ------------------------------------------------------------------------------------------ decoding

    private static String kind(JsonObject event) {
        return event.get("event").getAsString();
    }

    private static JsonObject data(JsonObject event) {
        JsonElement data = event.get("data");
        return data != null && data.isJsonObject() ? data.getAsJsonObject() : new JsonObject();
    }

    private static String string(JsonObject o, String field) {
        JsonElement e = o.get(field);
        return e == null || e.isJsonNull() ? null : e.getAsString();
    }

    private static Identity identity(JsonElement e) {
        JsonObject o = e.getAsJsonObject();
        return new Identity(string(o, "address"), string(o, "identityKey"), string(o, "preKey"));
    }

    private static Conversation conversation(JsonObject o) {
        Map<String, String> metadata = new LinkedHashMap<>();
        if (o.get("metadata") instanceof JsonObject m) {
            m.entrySet().forEach(entry -> metadata.put(entry.getKey(), entry.getValue().getAsString()));
        }
        return new Conversation(string(o, "topic"), string(o, "peerAddress"), string(o, "conversationId"),
                Map.copyOf(metadata), string(o, "createdNs"));
    }

    private static Message message(JsonObject o) {
        return new Message(string(o, "id"), string(o, "topic"), string(o, "senderAddress"), string(o, "content"),
                string(o, "contentType"), string(o, "sentNs"));
    }

    private static String streamId(JsonElement reply) {
        return reply.getAsJsonObject().get("streamId").getAsString();
    }
}
