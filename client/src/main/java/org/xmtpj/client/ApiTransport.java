package org.xmtpj.client;

import java.util.List;
import org.xmtp.proto.message.api.v1.BatchQueryRequest;
import org.xmtp.proto.message.api.v1.BatchQueryResponse;
import org.xmtp.proto.message.api.v1.Envelope;
import org.xmtp.proto.message.api.v1.QueryRequest;
import org.xmtp.proto.message.api.v1.QueryResponse;

/**
 * The node's MessageApi as the SDK uses it, over the HTTP gateway or gRPC. Failures are {@link XmtpException}s of
 * kind NODE_UNREACHABLE (worth retrying) or NODE_REJECTED (carrying the gRPC status code).
 */
interface ApiTransport extends AutoCloseable {

  void publish(List<Envelope> envelopes, String authorization);

  QueryResponse query(QueryRequest request);

  BatchQueryResponse batchQuery(BatchQueryRequest request);

  /** xmtpj.checkpoint.v1.CheckpointApi: the inclusion proof of one message (our nodes only). */
  org.xmtpj.proto.checkpoint.v1.InclusionProofResponse inclusionProof(
      org.xmtpj.proto.checkpoint.v1.InclusionProofRequest request);

  /** Opens a live subscription; the listener hears about it from a transport thread. */
  Subscription subscribe(List<String> topics, Listener listener);

  /** Where this transport connects, for messages a person reads. */
  String endpoint();

  @Override
  void close();

  /** Callbacks of one subscription, never called concurrently. */
  interface Listener {
    /** The node has registered the subscription: anything published from now on will be delivered. */
    void onOpen();

    void onEnvelope(Envelope envelope);

    /** The subscription ended: null after a clean end of stream, else the failure. */
    void onClosed(XmtpException failure);
  }

  /** A running subscription. */
  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }
}
