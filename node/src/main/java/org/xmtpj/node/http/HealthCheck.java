package org.xmtpj.node.http;

/** Whether the node is ready to serve (store open, writer running, not draining). */
@FunctionalInterface
public interface HealthCheck {
  boolean serving();
}
