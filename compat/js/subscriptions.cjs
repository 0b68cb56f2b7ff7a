// Waiting for an xmtp-js subscription to reach the node, instead of sleeping and hoping it has.
//
// xmtp-js's conversations.stream(), streamMessages() and streamAllMessages() return before their subscribe request
// (POST /message/v1/subscribe, a streaming response) has reached the node, and streamAllMessages re-subscribes with
// a new request when an invitation arrives, without querying what it missed meanwhile (wire spec section 9, item
// 12). Whatever is published before the node has registered such a request is never delivered to it.
//
// The node counts every subscription once it is registered, that is once envelopes published afterwards will be
// delivered to it: xmtpd_subscriptions_opened_total, by transport, summed here (xmtp-js speaks HTTP, a Java SDK
// next to it may use gRPC). So "the count has grown by n since before the action" means the action's n
// subscriptions are live. Closing a subscription never lowers the count.
//
// The count includes anybody's subscriptions, so it is sound only while nothing else subscribes to the node at the
// same time: every caller runs one client action at a time (see the comments where it is used).
"use strict";

const METRIC = "xmtpd_subscriptions_opened_total";
const POLL_MS = 20;
const DEFAULT_TIMEOUT_MS = 15_000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The node's count of subscriptions registered so far, over all transports (apiUrl without a trailing slash). */
async function subscriptionsOpened(apiUrl) {
  const response = await fetch(`${apiUrl}/metrics`);
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`GET ${apiUrl}/metrics answered ${response.status}: ${text.slice(0, 200)}`);
  }
  // one sample per transport: xmtpd_subscriptions_opened_total{transport="http"} 3.0
  const samples = text.split("\n").filter((l) => l.startsWith(`${METRIC}{`) || l.startsWith(`${METRIC} `));
  if (samples.length === 0) {
    throw new Error(`${apiUrl}/metrics has no ${METRIC} (is it an xmtpj node?)`);
  }
  return samples.reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(" ") + 1)), 0);
}

/**
 * Polls until the node has counted `n` subscriptions more than `before` (a value of subscriptionsOpened read before
 * the action); fails naming `what` after timeoutMs. Returns the count reached.
 */
async function awaitSubscriptions(apiUrl, before, n, what, timeoutMs = DEFAULT_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = await subscriptionsOpened(apiUrl);
    if (now >= before + n) {
      return now;
    }
    if (Date.now() >= deadline) {
      throw new Error(`the node registered ${now - before} of the ${n} subscription(s) ${what} within `
        + `${timeoutMs} ms (${METRIC} went from ${before} to ${now})`);
    }
    await sleep(POLL_MS);
  }
}

/** Runs `action`, which opens `n` subscriptions, and returns its result once the node has registered them. */
async function subscribing(apiUrl, n, what, action, timeoutMs = DEFAULT_TIMEOUT_MS) {
  const before = await subscriptionsOpened(apiUrl);
  const result = await action();
  await awaitSubscriptions(apiUrl, before, n, what, timeoutMs);
  return result;
}

module.exports = { subscriptionsOpened, awaitSubscriptions, subscribing };
