#!/usr/bin/env node
// Interop driver: one long-lived @xmtp/xmtp-js 13.0.4 client that a Java test commands step by step (JsClient.java).
//
//   node interop.cjs        (then one JSON command per line on stdin)
//
// stdin:  {"id":N,"op":"<op>",...args}                   one command per line; several may be in flight
// stdout: {"id":N,"ok":true,"result":<value>}             the reply to command N (null when there is no value)
//         {"id":N,"ok":false,"error":"<message>"}         command N failed; the driver keeps running
//         {"event":"<kind>","stream":"<streamId>","data":{...}}   something a stream delivered
// Nothing else is ever written to stdout: the library's console output goes to stderr (see below).
//
// Ops (args in braces; hex is lowercase without 0x; *Ns values are decimal strings, since they exceed 2^53):
//   ping                                         -> "pong"
//   create {walletKey, apiUrl}                   -> {address, identityKey, preKey}   (one client per process)
//   createFromKeys {keys (base64), apiUrl}       -> same shape; the client has no wallet
//   canMessage {address}                         -> boolean
//   canMessageStatic {addresses, apiUrl?}        -> [boolean]   (no client needed when apiUrl is given)
//   newConversation {peer, conversationId?, metadata?} -> conversation
//   listConversations                            -> [conversation]
//   send {topic, text, ephemeral?}               -> {id, sentNs}
//   messages {topic, limit?, direction?: "asc"|"desc"} -> [message]
//   streamConversations | streamAllMessages | streamMessages {topic}   -> {streamId}
//   closeStream {streamId}                       -> null
//   subscriptionsOpened                          -> number: the node's count of subscriptions registered so far
//   awaitSubscriptions {since, count}            -> number: once that count is >= since + count (fails after 15 s)
//   allow {addresses} | deny {addresses}         -> null
//   consentState {address, refresh?}             -> "allowed" | "denied" | "unknown"
//   exportKeyBundle {viaGetKeys?}                -> base64 of an encoded PrivateKeyBundle (v1)
//   shutdown                                     -> null, then the process exits 0 (it also exits when stdin closes)
//
// conversation: {topic, peerAddress, conversationId, metadata, createdNs, version}
// message:      {id, topic, senderAddress, content, contentType, fallback, sentNs, error}
// stream event kinds: "conversation", "message", "connectionLost", "closed" {reason}, "error" {error}
//
// A stream op replies once the node has registered its subscription (subscriptions.cjs): publish right after; its
// events may come before the reply. streamAllMessages re-subscribes when an invitation arrives, missing what was
// sent meanwhile: take subscriptionsOpened before the invitation, awaitSubscriptions before sending into it. The
// count is the node's, over all clients: sound only while the caller runs one subscribing action at a time.
"use strict";

const util = require("node:util");

// xmtp-js logs with console.log/warn ("Stream connection closed. Resubscribing", "Unknown topic", ...). Redirect every
// console method before the library is loaded, so that stdout carries protocol lines only.
for (const level of ["log", "info", "warn", "error", "debug", "trace"]) {
  console[level] = (...args) => process.stderr.write(`[${level}] ${util.format(...args)}\n`);
}

const readline = require("node:readline");
const { Client, PrivateKeyBundleV1, SortDirection, dateToNs } = require("@xmtp/xmtp-js");
const { Wallet } = require("ethers");
const { subscribing, subscriptionsOpened, awaitSubscriptions } = require("./subscriptions.cjs");

const CLOSE_STREAM_TIMEOUT_MS = 2_000;
const TEXT = { authorityId: "xmtp.org", typeId: "text" };

const state = {
  client: null,
  wallet: null, // null for a client created from exported keys
  apiUrl: null,
  conversations: new Map(), // topic -> Conversation, filled by every op that sees one
  streams: new Map(), // streamId -> {stream, closing, done}
  nextStream: 1,
};

function write(object) {
  process.stdout.write(JSON.stringify(object) + "\n");
}

function errorText(e) {
  if (e instanceof Error) {
    return e.message || e.name;
  }
  return typeof e === "string" ? e : util.inspect(e);
}

function withTimeout(promise, ms) {
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([Promise.resolve(promise), timeout]).finally(() => clearTimeout(timer));
}

// ------------------------------------------------------------------------------------------------ arguments

function arg(cmd, name, type, optional = false) {
  const value = cmd[name];
  if (value === undefined || value === null) {
    if (optional) {
      return undefined;
    }
    throw new Error(`${cmd.op}: missing argument '${name}'`);
  }
  const actual = Array.isArray(value) ? "array" : typeof value;
  if (actual !== type) {
    throw new Error(`${cmd.op}: argument '${name}' must be a ${type}, got ${actual}`);
  }
  return value;
}

function client(cmd) {
  if (!state.client) {
    throw new Error(`${cmd.op}: no client yet (send 'create' or 'createFromKeys' first)`);
  }
  return state.client;
}

// The node's base URL, for its /metrics: the client's apiUrl without a trailing slash.
function nodeUrl(cmd) {
  client(cmd);
  return state.apiUrl.replace(/\/+$/, "");
}

function hex(bytes) {
  return Buffer.from(bytes).toString("hex");
}

// ------------------------------------------------------------------------------------------------ shapes

function identity(c) {
  const bundle = c.publicKeyBundle;
  return {
    address: c.address,
    identityKey: hex(bundle.identityKey.secp256k1Uncompressed.bytes),
    preKey: hex(bundle.preKey.secp256k1Uncompressed.bytes),
  };
}

// Conversation.createdAt is a Date (milliseconds), but the keystore keeps the invitation header's exact createdNs:
// a Java SDK may create conversations with nanosecond precision, and the comparison must not be lossy.
async function exactCreatedNs() {
  const byTopic = new Map();
  try {
    const { conversations } = await state.client.keystore.getV2Conversations();
    for (const c of conversations) {
      byTopic.set(c.topic, c.createdNs.toString());
    }
  } catch (e) {
    console.warn("interop: keystore.getV2Conversations failed, createdNs falls back to milliseconds:", e);
  }
  return byTopic;
}

function conversationShape(c, createdNs) {
  state.conversations.set(c.topic, c);
  return {
    topic: c.topic,
    peerAddress: c.peerAddress,
    conversationId: (c.context && c.context.conversationId) || null,
    metadata: (c.context && c.context.metadata) || {},
    createdNs: createdNs.get(c.topic) || dateToNs(c.createdAt).toString(),
    version: c.conversationVersion,
  };
}

// DecodedMessage.sent is a Date: sentNs has millisecond precision (the header's createdNs is not exposed).
function messageShape(m) {
  const type = m.contentType;
  const isText = type && type.authorityId === TEXT.authorityId && type.typeId === TEXT.typeId;
  return {
    id: m.id,
    topic: m.contentTopic,
    senderAddress: m.senderAddress,
    content: isText && typeof m.content === "string" ? m.content : null,
    contentType: type ? type.toString() : null,
    fallback: m.contentFallback || null,
    sentNs: dateToNs(m.sent).toString(),
    error: m.error ? errorText(m.error) : null,
  };
}

async function conversationFor(cmd, topic) {
  const cached = state.conversations.get(topic);
  if (cached) {
    return cached;
  }
  for (const c of await client(cmd).conversations.list()) {
    state.conversations.set(c.topic, c);
  }
  const found = state.conversations.get(topic);
  if (!found) {
    throw new Error(`${cmd.op}: no conversation with topic ${topic}`);
  }
  return found;
}

// ------------------------------------------------------------------------------------------------ streams

async function openStream(streamId, kind, streamPromise, shape) {
  const stream = await streamPromise;
  const entry = { stream, closing: false };
  state.streams.set(streamId, entry);
  entry.done = (async () => {
    try {
      for await (const item of stream) {
        let data;
        try {
          data = await shape(item);
        } catch (e) {
          // one item that cannot be described must not end the stream
          write({ event: "error", stream: streamId, data: { error: `cannot describe a ${kind}: ${errorText(e)}` } });
          continue;
        }
        write({ event: kind, stream: streamId, data });
      }
      write({ event: "closed", stream: streamId, data: { reason: entry.closing ? "closeStream" : "ended" } });
    } catch (e) {
      write({ event: "error", stream: streamId, data: { error: errorText(e) } });
    } finally {
      state.streams.delete(streamId);
    }
  })();
  return { streamId };
}

async function closeStream(streamId) {
  const entry = state.streams.get(streamId);
  if (!entry) {
    throw new Error(`closeStream: no open stream ${streamId}`);
  }
  entry.closing = true;
  // return() aborts the subscribe request; the read loop then ends and reports "closed"
  await withTimeout(entry.stream.return(), CLOSE_STREAM_TIMEOUT_MS);
  await withTimeout(entry.done, CLOSE_STREAM_TIMEOUT_MS);
}

// The id is taken before the stream exists: the connection-lost callback is given at creation and names it. Every
// stream kind opens exactly one subscribe request.
function streamOp(kind, open, shape) {
  return (cmd) => {
    const streamId = `s${state.nextStream++}`;
    const lost = () => write({ event: "connectionLost", stream: streamId, data: {} });
    return subscribing(nodeUrl(cmd), 1, `of stream ${streamId} (${cmd.op})`,
      () => openStream(streamId, kind, open(cmd, lost), shape));
  };
}

// ------------------------------------------------------------------------------------------------ ops

async function createClient(cmd, wallet, options) {
  if (state.client) {
    throw new Error(`${cmd.op}: this driver already has a client (${state.client.address}); start another driver`);
  }
  const created = await Client.create(wallet, { env: "local", ...options });
  // two concurrent creates: the first to finish wins, the other reports the conflict
  if (state.client) {
    throw new Error(`${cmd.op}: another create finished first`);
  }
  state.client = created;
  state.wallet = wallet;
  state.apiUrl = options.apiUrl;
  return identity(created);
}

const OPS = {
  ping: async () => "pong",

  create: (cmd) => {
    const wallet = new Wallet(arg(cmd, "walletKey", "string"));
    return createClient(cmd, wallet, { apiUrl: arg(cmd, "apiUrl", "string") });
  },

  // privateKeyOverride makes the StaticKeystoreProvider load the bundle; no wallet signature is needed
  createFromKeys: (cmd) => {
    const keys = new Uint8Array(Buffer.from(arg(cmd, "keys", "string"), "base64"));
    return createClient(cmd, null, { apiUrl: arg(cmd, "apiUrl", "string"), privateKeyOverride: keys });
  },

  canMessage: (cmd) => client(cmd).canMessage(arg(cmd, "address", "string")),

  canMessageStatic: (cmd) => {
    const apiUrl = arg(cmd, "apiUrl", "string", true) ?? state.apiUrl;
    if (!apiUrl) {
      throw new Error("canMessageStatic: no apiUrl given and no client to take it from");
    }
    return Client.canMessage(arg(cmd, "addresses", "array"), { env: "local", apiUrl });
  },

  newConversation: async (cmd) => {
    const conversationId = arg(cmd, "conversationId", "string", true);
    const context = conversationId === undefined
      ? undefined
      : { conversationId, metadata: arg(cmd, "metadata", "object", true) ?? {} };
    const c = await client(cmd).conversations.newConversation(arg(cmd, "peer", "string"), context);
    return conversationShape(c, await exactCreatedNs());
  },

  listConversations: async (cmd) => {
    const all = await client(cmd).conversations.list();
    const createdNs = await exactCreatedNs();
    return all.map((c) => conversationShape(c, createdNs));
  },

  send: async (cmd) => {
    const conversation = await conversationFor(cmd, arg(cmd, "topic", "string"));
    const ephemeral = arg(cmd, "ephemeral", "boolean", true) ?? false;
    const sent = await conversation.send(arg(cmd, "text", "string"), { ephemeral });
    return { id: sent.id, sentNs: dateToNs(sent.sent).toString() };
  },

  messages: async (cmd) => {
    const conversation = await conversationFor(cmd, arg(cmd, "topic", "string"));
    const direction = arg(cmd, "direction", "string", true) ?? "asc";
    if (direction !== "asc" && direction !== "desc") {
      throw new Error(`messages: direction must be "asc" or "desc", got ${JSON.stringify(direction)}`);
    }
    const list = await conversation.messages({
      limit: arg(cmd, "limit", "number", true),
      direction: direction === "asc"
        ? SortDirection.SORT_DIRECTION_ASCENDING
        : SortDirection.SORT_DIRECTION_DESCENDING,
    });
    return list.map(messageShape);
  },

  streamConversations: streamOp("conversation",
    (cmd, lost) => client(cmd).conversations.stream(lost),
    async (c) => conversationShape(c, await exactCreatedNs())),

  streamMessages: streamOp("message",
    async (cmd, lost) => (await conversationFor(cmd, arg(cmd, "topic", "string"))).streamMessages(lost),
    messageShape),

  streamAllMessages: streamOp("message",
    (cmd, lost) => client(cmd).conversations.streamAllMessages(lost),
    (m) => {
      if (m.conversation) {
        state.conversations.set(m.contentTopic, m.conversation);
      }
      return messageShape(m);
    }),

  closeStream: async (cmd) => {
    await closeStream(arg(cmd, "streamId", "string"));
    return null;
  },

  subscriptionsOpened: (cmd) => subscriptionsOpened(nodeUrl(cmd)),

  awaitSubscriptions: (cmd) => awaitSubscriptions(nodeUrl(cmd), arg(cmd, "since", "number"),
    arg(cmd, "count", "number"), `since ${cmd.since}`),

  allow: async (cmd) => {
    await client(cmd).contacts.allow(arg(cmd, "addresses", "array"));
    return null;
  },

  deny: async (cmd) => {
    await client(cmd).contacts.deny(arg(cmd, "addresses", "array"));
    return null;
  },

  consentState: async (cmd) => {
    const c = client(cmd);
    if (arg(cmd, "refresh", "boolean", true)) {
      await c.contacts.refreshConsentList();
    }
    return c.contacts.consentState(arg(cmd, "address", "string"));
  },

  // Client.getKeys(wallet) builds a second client (loading the bundle from the private store topic) and encodes
  // keystore.getPrivateKeyBundle(); by default the same encoding is taken from this client's keystore instead, which
  // also works for a client created from keys (it has no wallet).
  exportKeyBundle: async (cmd) => {
    const c = client(cmd);
    if (arg(cmd, "viaGetKeys", "boolean", true)) {
      if (!state.wallet) {
        throw new Error("exportKeyBundle: viaGetKeys needs a wallet, and this client was created from keys");
      }
      const bytes = await Client.getKeys(state.wallet, { env: "local", apiUrl: state.apiUrl });
      return Buffer.from(bytes).toString("base64");
    }
    const bundle = new PrivateKeyBundleV1(await c.keystore.getPrivateKeyBundle());
    return Buffer.from(bundle.encode()).toString("base64");
  },

  shutdown: async () => {
    await closeAllStreams();
    setImmediate(() => process.exit(0));
    return null;
  },
};

// ------------------------------------------------------------------------------------------------ loop

async function closeAllStreams() {
  await Promise.all([...state.streams.keys()].map((id) => closeStream(id).catch(() => {})));
}

async function handle(line) {
  if (!line.trim()) {
    return;
  }
  let cmd;
  try {
    cmd = JSON.parse(line);
  } catch (e) {
    write({ id: null, ok: false, error: `not a JSON command: ${errorText(e)}` });
    return;
  }
  const id = cmd && cmd.id !== undefined ? cmd.id : null;
  const op = cmd && OPS[cmd.op];
  if (!op || !Object.hasOwn(OPS, cmd.op)) {
    write({ id, ok: false, error: `unknown op ${JSON.stringify(cmd && cmd.op)}` });
    return;
  }
  try {
    const result = await op(cmd);
    write({ id, ok: true, result: result === undefined ? null : result });
  } catch (e) {
    console.error(`interop: op ${cmd.op} (id ${id}) failed:`, e);
    write({ id, ok: false, error: errorText(e) });
  }
}

// A failure inside the library's background work (a stream's fetch, say) must not end the driver.
process.on("unhandledRejection", (e) => console.error("interop: unhandled rejection:", e));
process.on("uncaughtException", (e) => console.error("interop: uncaught exception:", e));

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on("line", (line) => {
  handle(line);
});
lines.on("close", () => {
  closeAllStreams().finally(() => process.exit(0));
});
