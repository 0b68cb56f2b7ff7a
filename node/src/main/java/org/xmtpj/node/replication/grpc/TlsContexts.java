package org.xmtpj.node.replication.grpc;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLException;
import org.xmtpj.node.replication.ReplicationConfig;

/**
 * TLS for node-to-node links, from PEM files. Each node presents its certificate on both sides; the server asks for
 * (but does not require) the client's, because the signed handshake authenticates the node either way. Host names
 * are verified as usual, so a node's certificate must name the address its peers dial.
 */
final class TlsContexts {
  private TlsContexts() {}

  static SslContext server(ReplicationConfig.Tls tls) {
    try {
      SslContextBuilder b = GrpcSslContexts.forServer(file(tls.certChain(), "certificate chain"),
          file(tls.privateKey(), "private key"));
      if (tls.trustedCerts() != null) {
        b.trustManager(file(tls.trustedCerts(), "trusted certificates")).clientAuth(ClientAuth.OPTIONAL);
      }
      return b.build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalArgumentException("replication TLS: " + e.getMessage(), e);
    }
  }

  static SslContext client(ReplicationConfig.Tls tls) {
    try {
      SslContextBuilder b = GrpcSslContexts.forClient()
          .keyManager(file(tls.certChain(), "certificate chain"), file(tls.privateKey(), "private key"));
      if (tls.trustedCerts() != null) { // else the JVM's default trust store
        b.trustManager(file(tls.trustedCerts(), "trusted certificates"));
      }
      return b.build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalArgumentException("replication TLS: " + e.getMessage(), e);
    }
  }

  private static File file(Path path, String what) {
    if (path == null || !Files.isReadable(path)) {
      throw new IllegalArgumentException(what + " file " + path + " is missing or unreadable");
    }
    return path.toFile();
  }
}
