package org.xmtpj.node.http;

import com.sun.net.httpserver.HttpExchange;

/** Browser clients send preflights because xmtp-js adds non-safelisted headers; node-go allows any origin. */
final class Cors {
  static final String ALLOW_HEADERS = "Content-Type,Accept,Authorization,X-App-Version,X-Client-Version,"
      + "X-Libxmtp-Version,Grpc-Metadata-Subscribed";
  static final String ALLOW_METHODS = "GET,HEAD,POST,PUT,PATCH,DELETE";

  private Cors() {}

  static void apply(HttpExchange exchange) {
    exchange.getResponseHeaders().set("Access-Control-Allow-Origin", "*");
  }

  static boolean isPreflight(HttpExchange exchange) {
    return exchange.getRequestMethod().equals("OPTIONS");
  }

  static void answerPreflight(HttpExchange exchange) {
    var h = exchange.getResponseHeaders();
    h.set("Access-Control-Allow-Headers", ALLOW_HEADERS);
    h.set("Access-Control-Allow-Methods", ALLOW_METHODS);
    h.set("Access-Control-Max-Age", "600");
    HttpGateway.respond(exchange, 204, new byte[0]);
  }
}
