#!/usr/bin/env node
// Compatibility run: the real npm client @xmtp/xmtp-js 13.0.4 against an xmtpj node.
//
//   XMTP_API_URL=http://127.0.0.1:5555 node compat.cjs
//
// Every scenario prints exactly one line, "PASS <name>" or "FAIL <name>: <reason>". The last line is
// "compat: N passed, M failed", and the exit code is 0 only when every scenario passed.
// Scenarios run in order and share state (clients, conversations); a scenario whose prerequisite failed
// fails with the name of that prerequisite. Every scenario has a timeout and the whole run has a deadline,
// so the script always ends.
//
// The package is loaded with require(): its ESM build does not load in Node (wire spec section 9, item 1).
"use strict";

const { Client, HttpApiClient, SortDirection } = require("@xmtp/xmtp-js");
const { Wallet } = require("ethers");
const { subscribing, subscriptionsOpened, awaitSubscriptions } = require("./subscriptions.cjs");

const API_URL = (process.env.XMTP_API_URL || "").replace(/\/+$/, "");
const CLIENT_OPTIONS = { env: "local", apiUrl: API_URL };

// Stream.create returns before the subscribe request is connected (wire spec section 9, item 12): a scenario that
// opens streams waits until the node has counted them (subscriptions.cjs). The count is anybody's; it is sound here
// as scenarios run one client action at a time and nothing else subscribes to the node meanwhile.
const SCENARIO_TIMEOUT_MS = 30_000;
const RUN_DEADLINE_MS = 150_000;
const PAGING_MESSAGE_COUNT = 105;

const openStreams = new Set();
const state = {};
const passed = new Set();

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

class ScenarioFailure extends Error {}

function check(condition, message) {
  if (!condition) {
    throw new ScenarioFailure(message);
  }
}

function requirePassed(...names) {
  for (const name of names) {
    check(passed.has(name), `prerequisite scenario '${name}' did not pass`);
  }
}

function newClient(wallet) {
  return Client.create(wallet, CLIENT_OPTIONS);
}

function describe(value) {
  return JSON.stringify(value);
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new ScenarioFailure(`timed out after ${ms} ms ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function track(streamPromise) {
  const stream = await streamPromise;
  openStreams.add(stream);
  return stream;
}

async function close(stream) {
  if (!openStreams.delete(stream)) {
    return;
  }
  try {
    await withTimeout(Promise.resolve(stream.return()), 2_000, "closing a stream");
  } catch {
    // the subscription is aborted anyway; nothing else to release
  }
}

// Reads a stream (or async generator) until `accept` has seen everything it waits for.
// `accept(item)` returns true once the wait is over.
async function readUntil(stream, accept, ms, what) {
  const reading = (async () => {
    for (;;) {
      const next = await stream.next();
      if (next.done) {
        throw new ScenarioFailure(`stream ended while waiting for ${what}`);
      }
      if (accept(next.value)) {
        return;
      }
    }
  })();
  await withTimeout(reading, ms, `waiting for ${what}`);
}

function ids(messages) {
  return messages.map((m) => m.id);
}

function sameIds(actual, expected) {
  return actual.length === expected.length && actual.every((id, i) => id === expected[i]);
}

function contents(messages) {
  return messages.map((m) => m.content);
}

// Sends sequentially, each message in a later millisecond than the previous one, so that every message has
// a distinct sent time and the node's (timestamp, digest) order equals the send order.
async function sendAll(conversation, texts) {
  const sent = [];
  for (const text of texts) {
    const last = sent.length ? sent[sent.length - 1].sent.getTime() : 0;
    while (Date.now() <= last) {
      await sleep(1);
    }
    sent.push(await conversation.send(text));
  }
  return sent;
}

// ---------------------------------------------------------------------------------------------- scenarios

async function createClients() {
  state.walletA = Wallet.createRandom();
  state.walletB = Wallet.createRandom();
  state.a = await newClient(state.walletA);
  state.b = await newClient(state.walletB);
  check(state.a.address === state.walletA.address, `client A address ${state.a.address} != wallet ${state.walletA.address}`);
  check(state.b.address === state.walletB.address, `client B address ${state.b.address} != wallet ${state.walletB.address}`);
}

async function contactLookup() {
  requirePassed("create-clients");
  const unknown = Wallet.createRandom().address;
  check((await state.a.canMessage(state.b.address)) === true, "A.canMessage(B) is not true");
  check((await state.b.canMessage(state.a.address)) === true, "B.canMessage(A) is not true");
  check((await state.a.canMessage(unknown)) === false, "A.canMessage(unknown wallet) is not false");
  const batch = await Client.canMessage([state.a.address, state.b.address, unknown], { apiUrl: API_URL });
  check(describe(batch) === describe([true, true, false]), `static Client.canMessage([A, B, unknown]) = ${describe(batch)}, expected [true,true,false]`);
  const single = await Client.canMessage(state.b.address, { apiUrl: API_URL });
  check(single === true, `static Client.canMessage(B) = ${describe(single)}, expected true`);
}

async function conversationStream() {
  requirePassed("create-clients");
  const stream = await subscribing(API_URL, 1, "of B's conversation stream",
    () => track(state.b.conversations.stream()));
  try {
    const created = await state.a.conversations.newConversation(state.b.address);
    check(created.conversationVersion === "v2", `A's new conversation is ${created.conversationVersion}, expected v2 (does the node honour SORT_DIRECTION_DESCENDING for contact lookup?)`);
    check(created.topic.startsWith("/xmtp/0/m-"), `A's conversation topic ${created.topic} does not start with /xmtp/0/m-`);
    check(created.peerAddress === state.b.address, `A's conversation peer ${created.peerAddress} != B ${state.b.address}`);
    let received;
    await readUntil(stream, (conversation) => {
      received = conversation;
      return conversation.topic === created.topic;
    }, SCENARIO_TIMEOUT_MS - 3_000, `the invitation on B's conversation stream (last seen ${received ? received.topic : "nothing"})`);
    check(received.conversationVersion === "v2", `B received a ${received.conversationVersion} conversation, expected v2`);
    check(received.peerAddress === state.a.address, `B's conversation peer ${received.peerAddress} != A ${state.a.address}`);
    state.conversationA = created;
    state.conversationB = received;
  } finally {
    await close(stream);
  }
}

async function messageStreams() {
  requirePassed("conversation-stream");
  const [streamA, streamB] = await subscribing(API_URL, 2, "of A's and B's message streams", async () => [
    await track(state.conversationA.streamMessages()),
    await track(state.conversationB.streamMessages()),
  ]);
  try {
    const fromA = await state.conversationA.send("d: hello from A");
    const fromB = await state.conversationB.send("d: hello from B");
    const expected = new Map([
      [fromA.id, { content: "d: hello from A", sender: state.a.address }],
      [fromB.id, { content: "d: hello from B", sender: state.b.address }],
    ]);
    const expectBoth = (owner) => {
      const seen = new Set();
      return (message) => {
        const want = expected.get(message.id);
        if (!want) {
          throw new ScenarioFailure(`${owner}'s stream delivered an unexpected message ${message.id} (${describe(message.content)})`);
        }
        check(message.content === want.content, `${owner}'s stream: content ${describe(message.content)}, expected ${describe(want.content)}`);
        check(message.senderAddress === want.sender, `${owner}'s stream: sender ${message.senderAddress}, expected ${want.sender}`);
        check(message.contentTopic === state.conversationA.topic, `${owner}'s stream: topic ${message.contentTopic}`);
        seen.add(message.id);
        return seen.size === expected.size;
      };
    };
    await Promise.all([
      readUntil(streamA, expectBoth("A"), 15_000, "both messages on A's message stream"),
      readUntil(streamB, expectBoth("B"), 15_000, "both messages on B's message stream"),
    ]);
    state.streamedIds = [fromA.id, fromB.id];
  } finally {
    await close(streamA);
    await close(streamB);
  }
}

async function paging() {
  requirePassed("conversation-stream");
  // A separate conversation (own context, so its own topic) keeps the expected history exact.
  const conversation = await state.a.conversations.newConversation(state.b.address, {
    conversationId: "xmtpj.org/compat/paging",
    metadata: {},
  });
  check(conversation.conversationVersion === "v2", `paging conversation is ${conversation.conversationVersion}, expected v2`);
  check(conversation.topic !== state.conversationA.topic, "paging conversation has the same topic as the first one");
  const texts = Array.from({ length: PAGING_MESSAGE_COUNT }, (_, i) => `e: message ${String(i).padStart(3, "0")}`);
  const sent = await sendAll(conversation, texts);
  const sentIds = ids(sent);

  const all = await conversation.messages();
  check(all.length === PAGING_MESSAGE_COUNT, `messages() returned ${all.length} messages, expected ${PAGING_MESSAGE_COUNT} (is there a paging cursor after the first 100?)`);
  check(sameIds(ids(all), sentIds), `messages() is not in ascending send order: ${describe(contents(all).slice(0, 5))}...`);
  check(all.every((m, i) => m.content === texts[i] && m.senderAddress === state.a.address), "messages() content or sender differs from what was sent");

  const descending = await conversation.messages({ direction: SortDirection.SORT_DIRECTION_DESCENDING });
  check(descending.length === PAGING_MESSAGE_COUNT, `descending messages() returned ${descending.length} messages, expected ${PAGING_MESSAGE_COUNT}`);
  check(sameIds(ids(descending), [...sentIds].reverse()), `descending messages() is not the exact reverse: ${describe(contents(descending).slice(0, 5))}...`);

  const smallPages = await conversation.messages({ pageSize: 10 });
  check(sameIds(ids(smallPages), sentIds), `messages({pageSize: 10}) returned ${smallPages.length} messages, not the ${PAGING_MESSAGE_COUNT} in order`);

  const firstSeven = await conversation.messages({ limit: 7 });
  check(sameIds(ids(firstSeven), sentIds.slice(0, 7)), `messages({limit: 7}) = ${describe(contents(firstSeven))}`);
  const lastThree = await conversation.messages({ limit: 3, direction: SortDirection.SORT_DIRECTION_DESCENDING });
  check(sameIds(ids(lastThree), sentIds.slice(-3).reverse()), `messages({limit: 3, DESC}) = ${describe(contents(lastThree))}`);

  const window = await conversation.messages({ startTime: sent[20].sent, endTime: sent[40].sent });
  check(sameIds(ids(window), sentIds.slice(20, 41)), `messages({startTime: #20, endTime: #40}) returned ${window.length} messages (${describe(contents(window).slice(0, 3))}...), expected #20..#40 inclusive (21)`);
  const tail = await conversation.messages({ startTime: sent[98].sent });
  check(sameIds(ids(tail), sentIds.slice(98)), `messages({startTime: #98}) returned ${tail.length} messages, expected #98..#104 (7)`);
  const head = await conversation.messages({ endTime: sent[2].sent });
  check(sameIds(ids(head), sentIds.slice(0, 3)), `messages({endTime: #2}) returned ${head.length} messages, expected #0..#2 (3)`);
  const one = await conversation.messages({ startTime: sent[50].sent, endTime: sent[50].sent });
  check(sameIds(ids(one), [sentIds[50]]), `messages({startTime: #50, endTime: #50}) returned ${one.length} messages, expected exactly #50`);
  const windowDescending = await conversation.messages({
    startTime: sent[95].sent,
    endTime: sent[104].sent,
    direction: SortDirection.SORT_DIRECTION_DESCENDING,
  });
  check(sameIds(ids(windowDescending), sentIds.slice(95).reverse()), `messages({#95..#104, DESC}) returned ${describe(contents(windowDescending))}`);

  state.pagingTopic = conversation.topic;
  state.pagingIds = sentIds;
}

async function consentState(client, peer, expected, who) {
  const actual = client.contacts.consentState(peer);
  check(actual === expected, `${who}: consentState(B) = ${actual}, expected ${expected}`);
  check(client.contacts.isAllowed(peer) === (expected === "allowed"), `${who}: isAllowed(B) = ${client.contacts.isAllowed(peer)} with state ${expected}`);
  check(client.contacts.isDenied(peer) === (expected === "denied"), `${who}: isDenied(B) = ${client.contacts.isDenied(peer)} with state ${expected}`);
}

async function consent() {
  requirePassed("create-clients");
  const peer = state.b.address;

  await state.a.contacts.deny([peer]);
  await consentState(state.a, peer, "denied", "A after deny");
  const afterDeny = await newClient(state.walletA);
  await afterDeny.contacts.refreshConsentList();
  await consentState(afterDeny, peer, "denied", "new client for A's wallet after deny");

  await state.a.contacts.allow([peer]);
  await consentState(state.a, peer, "allowed", "A after allow");
  const afterAllow = await newClient(state.walletA);
  await afterAllow.contacts.refreshConsentList();
  await consentState(afterAllow, peer, "allowed", "new client for A's wallet after allow");

  // the instance created after the deny catches up on refresh, too
  await afterDeny.contacts.refreshConsentList();
  await consentState(afterDeny, peer, "allowed", "the post-deny client after a second refresh");
}

async function restoreFromNode() {
  requirePassed("conversation-stream");
  const restored = await newClient(state.walletB);
  check(restored !== state.b, "Client.create returned the same instance");
  check(restored.address === state.b.address, `restored address ${restored.address} != ${state.b.address}`);
  check(restored.signedPublicKeyBundle.equals(state.b.signedPublicKeyBundle),
    "restored client has different keys: the private key bundle was not loaded from the node's privatestore topic");

  const conversations = await restored.conversations.list();
  const byTopic = new Map(conversations.map((c) => [c.topic, c]));
  const first = byTopic.get(state.conversationA.topic);
  check(first, `restored B lists ${conversations.length} conversations without ${state.conversationA.topic}`);
  check(first.peerAddress === state.a.address && first.conversationVersion === "v2", `restored conversation: peer ${first.peerAddress}, version ${first.conversationVersion}`);
  if (state.streamedIds) {
    const history = await first.messages();
    check(sameIds(ids(history), state.streamedIds), `restored B reads ${describe(contents(history))} in the first conversation, expected the 2 messages of scenario message-streams`);
  }
  if (state.pagingTopic) {
    const pagingConversation = byTopic.get(state.pagingTopic);
    check(pagingConversation, `restored B does not list the paging conversation ${state.pagingTopic}`);
    check(pagingConversation.context && pagingConversation.context.conversationId === "xmtpj.org/compat/paging",
      `paging conversation context is ${describe(pagingConversation.context)}`);
    const history = await pagingConversation.messages();
    check(sameIds(ids(history), state.pagingIds), `restored B reads ${history.length} messages in the paging conversation, expected the ${state.pagingIds.length} sent`);
  }
}

async function streamAllMessages() {
  requirePassed("create-clients");
  const stream = await subscribing(API_URL, 1, "of B's streamAllMessages",
    () => track(state.b.conversations.streamAllMessages()));
  try {
    // B re-subscribes with the new topic when the invitation arrives (one new subscribe request): counted from
    // before the invitation is sent, since it may arrive before newConversation returns
    const beforeInvitation = await subscriptionsOpened(API_URL);
    const conversation = await state.a.conversations.newConversation(state.b.address, {
      conversationId: "xmtpj.org/compat/stream-all",
      metadata: {},
    });
    check(conversation.conversationVersion === "v2", `new conversation is ${conversation.conversationVersion}, expected v2`);
    await awaitSubscriptions(API_URL, beforeInvitation, 1, "of B's streamAllMessages re-subscribing on the invitation");
    const sent = await conversation.send("h: after the stream opened");
    await readUntil(stream, (message) => {
      if (message.id !== sent.id) {
        return false;
      }
      check(message.content === "h: after the stream opened", `content ${describe(message.content)}`);
      check(message.senderAddress === state.a.address, `sender ${message.senderAddress}, expected ${state.a.address}`);
      check(message.contentTopic === conversation.topic, `topic ${message.contentTopic}, expected ${conversation.topic}`);
      return true;
    }, 15_000, "the message on B's streamAllMessages");
  } finally {
    await close(stream);
  }
}

const SCENARIOS = [
  ["create-clients", createClients],
  ["contact-lookup", contactLookup],
  ["conversation-stream", conversationStream],
  ["message-streams", messageStreams],
  ["paging", paging, 60_000],
  ["consent", consent],
  ["restore-from-node", restoreFromNode],
  ["stream-all-messages", streamAllMessages],
];

// ---------------------------------------------------------------------------------------------- runner

function reason(error) {
  if (error instanceof ScenarioFailure) {
    return error.message;
  }
  if (error instanceof Error) {
    return `${error.name}: ${error.message}`.replace(/\s+/g, " ");
  }
  return `thrown ${describe(error)}`;
}

async function main() {
  if (!API_URL) {
    console.error("compat: set XMTP_API_URL to the node's base URL, e.g. http://127.0.0.1:5555");
    process.exit(2);
  }
  console.log(`compat: ${new HttpApiClient(API_URL).version} against ${API_URL}`);
  const deadline = Date.now() + RUN_DEADLINE_MS;
  let failed = 0;
  for (const [name, run, timeoutMs = SCENARIO_TIMEOUT_MS] of SCENARIOS) {
    const budget = Math.min(timeoutMs, deadline - Date.now());
    const started = Date.now();
    try {
      check(budget > 0, "the run's deadline passed before this scenario started");
      await withTimeout(run(), budget, `in scenario ${name}`);
      passed.add(name);
      console.log(`PASS ${name}`);
    } catch (error) {
      failed++;
      console.log(`FAIL ${name}: ${reason(error)}`);
      if (!(error instanceof ScenarioFailure) && error instanceof Error && error.stack) {
        console.error(error.stack);
      }
    }
    console.error(`compat: ${name} took ${Date.now() - started} ms`);
    for (const stream of [...openStreams]) {
      await close(stream);
    }
  }
  console.log(`compat: ${passed.size} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.log(`FAIL runner: ${reason(error)}`);
    console.log("compat: 0 passed, 1 failed");
    process.exit(1);
  },
);
