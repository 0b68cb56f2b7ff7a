#!/usr/bin/env node
// Chaos run: the real npm client @xmtp/xmtp-js 13.0.4 on two different nodes of a replicating network.
//
//   ALICE_API_URL=http://127.0.0.1:P1 BOB_API_URL=http://127.0.0.1:P3 node chaos.cjs
//
// alice (a client of node 1) starts a conversation with bob (a client of node 3) and sends CHAOS_MESSAGES texts,
// one every CHAOS_INTERVAL_MS; bob streams the conversation from node 3. The driver (ChaosReplicationTest) kills
// and partitions nodes meanwhile. Every line on stdout is one JSON object with an "event" field:
//
//   identities    {alice, bob}                   both clients exist (each on its own node)
//   conversation  {topic}                        alice started the conversation and bob found it on node 3
//   streaming     {}                             bob's stream is open: the driver starts its fault schedule
//   sent          {n, content, id, ms}           conversation.send resolved: the message is acknowledged
//   send-failed   {n, content, error}            conversation.send threw (the node may still have stored it)
//   recv          {content, id}                  bob's stream delivered a message
//   send-done     {acked, failed}                every send is over; the stream keeps running
//   summary       {received, distinct}           after "stop" on stdin (or stdin closing, or the deadline)
//
// stdin: "finish" ends the sends early (after the current one; CHAOS_MESSAGES is then only the maximum), "stop"
// ends the run.
//   error         {where, error}                 anything unexpected (the exit code is then 1)
//
// Message ids are xmtp-js's: hex SHA-256 of the envelope's message bytes, the same on both sides.
"use strict";

const readline = require("node:readline");
const { Client } = require("@xmtp/xmtp-js");
const { Wallet } = require("ethers");
const { subscribing } = require("./subscriptions.cjs");

const ALICE_URL = (process.env.ALICE_API_URL || "").replace(/\/+$/, "");
const BOB_URL = (process.env.BOB_API_URL || "").replace(/\/+$/, "");
const MESSAGES = parseInt(process.env.CHAOS_MESSAGES || "300", 10);
const INTERVAL_MS = parseInt(process.env.CHAOS_INTERVAL_MS || "150", 10);
const SETUP_TIMEOUT_MS = parseInt(process.env.CHAOS_SETUP_TIMEOUT_MS || "60000", 10);
// the whole run ends by then even if the driver never says "stop"
const RUN_DEADLINE_MS = parseInt(process.env.CHAOS_DEADLINE_MS || "240000", 10);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function emit(event, fields = {}) {
  process.stdout.write(JSON.stringify({ event, t: Date.now(), ...fields }) + "\n");
}

function errorText(e) {
  return String((e && (e.stack || e.message)) || e).split("\n").slice(0, 3).join(" | ");
}

// Retries fn until it returns a value accepted by ok (default: any), pausing between attempts.
async function retry(what, fn, { timeoutMs = SETUP_TIMEOUT_MS, pauseMs = 500, ok = () => true } = {}) {
  const deadline = Date.now() + timeoutMs;
  let attempts = 0;
  let last = "no attempt";
  while (Date.now() < deadline) {
    attempts++;
    try {
      const value = await fn();
      if (ok(value)) {
        return value;
      }
      last = `not yet (${JSON.stringify(value)})`;
    } catch (e) {
      last = errorText(e);
    }
    await sleep(pauseMs);
  }
  throw new Error(`${what}: gave up after ${attempts} attempts in ${timeoutMs} ms; last: ${last}`);
}

const control = { finish: false };

function stopSignal() {
  return new Promise((resolve) => {
    const lines = readline.createInterface({ input: process.stdin });
    lines.on("line", (line) => {
      const command = line.trim();
      if (command === "finish") {
        control.finish = true;
      } else if (command === "stop") {
        control.finish = true;
        resolve("stop");
      }
    });
    lines.on("close", () => {
      control.finish = true;
      resolve("stdin closed");
    });
  });
}

async function main() {
  const stopped = stopSignal();
  const started = Date.now();

  const bobWallet = Wallet.createRandom();
  const aliceWallet = Wallet.createRandom();
  // a node answers 503 until its first vector check with its peers: retry
  const bob = await retry("bob Client.create on node 3", () => Client.create(bobWallet, { env: "local", apiUrl: BOB_URL }));
  const alice = await retry("alice Client.create on node 1", () => Client.create(aliceWallet, { env: "local", apiUrl: ALICE_URL }));
  emit("identities", { alice: alice.address, bob: bob.address });

  // bob's contact bundle reaches node 1 only by replication; the static call queries afresh every time
  await retry("bob's contact visible on node 1", () => Client.canMessage(bob.address, { apiUrl: ALICE_URL }),
    { ok: (v) => v === true });
  const conversation = await retry("alice newConversation(bob) on node 1", () => alice.conversations.newConversation(bob.address));
  if (conversation.conversationVersion !== "v2") {
    throw new Error(`expected a V2 conversation, got ${conversation.conversationVersion}`);
  }

  // the invitation reaches node 3 only by replication
  const bobConversation = await retry("the conversation visible to bob on node 3", async () => {
    const all = await bob.conversations.list();
    return all.find((c) => c.topic === conversation.topic);
  }, { ok: (c) => c !== undefined });
  emit("conversation", { topic: conversation.topic });

  // Stream.create returns before the subscribe request is connected (wire spec section 9, item 12): wait until node 3
  // has registered it. Bob's stream is the only subscription on node 3 (replication does not subscribe), so the
  // node's count is his.
  const stream = await subscribing(BOB_URL, 1, "of bob's stream on node 3",
    () => bobConversation.streamMessages(() => emit("stream-connection-lost")));
  const received = [];
  const reading = (async () => {
    try {
      for await (const message of stream) {
        received.push(message.id);
        emit("recv", { content: message.content, id: message.id });
      }
    } catch (e) {
      emit("error", { where: "bob's stream", error: errorText(e) });
    }
  })();
  emit("streaming", { setupMs: Date.now() - started });

  let acked = 0;
  let failed = 0;
  const sendStart = Date.now();
  for (let n = 1; n <= MESSAGES && !control.finish; n++) {
    const due = sendStart + (n - 1) * INTERVAL_MS;
    if (Date.now() < due) {
      await sleep(due - Date.now());
    }
    const content = `chaos-${n}`;
    const t0 = Date.now();
    try {
      const message = await conversation.send(content);
      acked++;
      emit("sent", { n, content, id: message.id, ms: Date.now() - t0 });
    } catch (e) {
      failed++;
      emit("send-failed", { n, content, error: errorText(e) });
    }
  }
  emit("send-done", { acked, failed, ms: Date.now() - sendStart });

  const remaining = Math.max(0, RUN_DEADLINE_MS - (Date.now() - started));
  const why = await Promise.race([stopped, sleep(remaining).then(() => "deadline")]);
  emit("summary", { received: received.length, distinct: new Set(received).size, stoppedBy: why });
  try {
    await Promise.race([stream.return(), sleep(2_000)]);
  } catch {
    // the subscription is aborted anyway
  }
  await Promise.race([reading, sleep(1_000)]);
}

main().then(
  () => process.exit(0),
  (e) => {
    emit("error", { where: "main", error: errorText(e) });
    process.exit(1);
  },
);
