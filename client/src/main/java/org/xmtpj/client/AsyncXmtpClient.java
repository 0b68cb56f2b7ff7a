package org.xmtpj.client;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The asynchronous view of an {@link XmtpClient}: each operation runs on the client's executor (virtual threads by
 * default) and completes a future; streams push to a callback.
 */
public final class AsyncXmtpClient {
  private final XmtpClient client;
  private final Executor executor;

  AsyncXmtpClient(XmtpClient client, Executor executor) {
    this.client = client;
    this.executor = executor;
  }

  /** The blocking client behind this view. */
  public XmtpClient blocking() {
    return client;
  }

  public CompletableFuture<Boolean> canMessage(String address) {
    return run(() -> client.canMessage(address));
  }

  public CompletableFuture<Map<String, Boolean>> canMessage(Collection<String> addresses) {
    return run(() -> client.canMessage(addresses));
  }

  public CompletableFuture<Conversation> newConversation(String peer) {
    return run(() -> client.conversations().newConversation(peer));
  }

  public CompletableFuture<Conversation> newConversation(String peer, String conversationId,
      Map<String, String> metadata) {
    return run(() -> client.conversations().newConversation(peer, conversationId, metadata));
  }

  public CompletableFuture<List<Conversation>> conversations() {
    return run(() -> client.conversations().list());
  }

  public CompletableFuture<DecodedMessage> send(Conversation conversation, String text) {
    return run(() -> conversation.send(text));
  }

  public CompletableFuture<DecodedMessage> send(Conversation conversation, Content content, SendOptions options) {
    return run(() -> conversation.send(content, options));
  }

  public CompletableFuture<MessageList> messages(Conversation conversation, ListOptions options) {
    return run(() -> conversation.messages(options));
  }

  public CompletableFuture<Void> allow(String... addresses) {
    return run(() -> {
      client.consent().allow(addresses);
      return null;
    });
  }

  public CompletableFuture<Void> deny(String... addresses) {
    return run(() -> {
      client.consent().deny(addresses);
      return null;
    });
  }

  public CompletableFuture<ConsentState> consentState(String address) {
    return run(() -> client.consent().state(address));
  }

  /** Every message of every conversation to {@code onMessage} until the returned handle is closed. */
  public CompletableFuture<AutoCloseable> streamAllMessages(Consumer<DecodedMessage> onMessage,
      Consumer<Throwable> onError) {
    return run(() -> pump(client.conversations().streamAllMessages(), onMessage, onError));
  }

  /** New conversations to {@code onConversation} until the returned handle is closed. */
  public CompletableFuture<AutoCloseable> streamConversations(Consumer<Conversation> onConversation,
      Consumer<Throwable> onError) {
    return run(() -> pump(client.conversations().stream(), onConversation, onError));
  }

  private <T> AutoCloseable pump(XmtpStream<T> stream, Consumer<T> onItem, Consumer<Throwable> onError) {
    Thread.ofVirtual().name("xmtp-stream-callback").start(() -> {
      try {
        while (stream.isOpen()) {
          onItem.accept(stream.take());
        }
      } catch (XmtpException e) {
        if (e.kind() != XmtpException.Kind.CLOSED) {
          onError.accept(e);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        onError.accept(e);
      }
    });
    return stream;
  }

  private <T> CompletableFuture<T> run(Supplier<T> work) {
    return CompletableFuture.supplyAsync(work, executor);
  }
}
