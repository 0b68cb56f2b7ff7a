package org.xmtpj.compat;

import org.xmtpj.testing.NodeProcess;

/**
 * How the Java SDK reaches a node process: its HTTP gateway (the routes xmtp-js uses) or its gRPC API. A node process
 * serves both, so one node can host a Java client of either kind next to xmtp-js clients (always HTTP).
 */
enum SdkTransport {
    HTTP("http"),
    GRPC("grpc");

    private final String scheme;

    SdkTransport(String scheme) {
        this.scheme = scheme;
    }

    /** The node URL {@code XmtpClient.Builder.node} takes for this transport. */
    String url(NodeProcess node) {
        return url(port(node));
    }

    /** The URL of a loopback port that speaks this transport (the node's own, or a proxy's in front of it). */
    String url(int port) {
        return scheme + "://127.0.0.1:" + port;
    }

    /** The node's port for this transport. */
    int port(NodeProcess node) {
        return this == HTTP ? node.httpPort() : node.grpcPort();
    }
}
