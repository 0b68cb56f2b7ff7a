package org.xmtpj.node.replication;

/** Opens clients to peers (gRPC for real nodes). One client per peer, reused; closing it releases the channel. */
public interface PeerConnector extends AutoCloseable {

  PeerClient connect(PeerInfo peer);

  void disconnect(PeerInfo peer);

  @Override
  void close();
}
