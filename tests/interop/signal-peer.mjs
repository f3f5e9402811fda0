// A libsignal-node peer for the Signal cross-implementation tests
// (tests/CodeChat.WhatsApp.Tests/Signal/LibsignalNodePeer.cs drives it).
// It uses the libsignal package Baileys 7 installs (node_modules/libsignal), unmodified, with an
// in-memory store that trusts every identity, as Baileys does.
//
// Line-delimited JSON: {"ready":true} first, then one reply line per command on stdout carrying the
// command's id: {"id":n,"ok":true,...} or {"id":n,"ok":false,"error":"..."}. Bytes are hex.
// libsignal's own console output goes to stderr.
//
// Commands:
//   {"cmd":"install","preKeys":N}              new identity, registration id, signed prekey 1, prekeys 1..N
//                                              (also a re-install: everything before is forgotten)
//                                              → {identityKey, registrationId}
//   {"cmd":"bundle"}                            → {bundle}: our keys with the next unused one-time prekey
//   {"cmd":"processBundle","address","bundle"}  SessionBuilder.initOutgoing
//   {"cmd":"encrypt","address","plaintexts":[hex]}            → {messages:[{type,body}]}
//   {"cmd":"decrypt","address","messages":[{type,body}]}      → {results:[{plaintext}|{error}]}
//   {"cmd":"preKeyCount"}                       → {count}: one-time prekeys not consumed yet
import libsignal from 'libsignal';
import readline from 'node:readline';

const { keyhelper, ProtocolAddress, SessionBuilder, SessionCipher, SessionRecord } = libsignal;

// libsignal-node logs with console.info/log/warn; keep stdout for replies only.
for (const name of ['log', 'info', 'warn', 'error', 'debug']) {
  console[name] = (...args) => process.stderr.write(args.map(String).join(' ') + '\n');
}

let state = null;

function install(preKeyCount) {
  const identity = keyhelper.generateIdentityKeyPair();
  const registrationId = keyhelper.generateRegistrationId();
  const signedPreKey = keyhelper.generateSignedPreKey(identity, 1);
  const preKeys = new Map();
  for (let id = 1; id <= preKeyCount; id++) {
    preKeys.set(id, keyhelper.generatePreKey(id).keyPair);
  }
  state = { identity, registrationId, signedPreKey, preKeys, nextPreKey: 1, sessions: new Map() };
}

// The storage interface libsignal-node's SessionBuilder/SessionCipher call. Records are kept
// serialized, as Baileys keeps them, so every operation goes through (de)serialization.
const storage = {
  getOurIdentity: async () => state.identity,
  getOurRegistrationId: async () => state.registrationId,
  isTrustedIdentity: async () => true,
  loadSession: async (address) => {
    const stored = state.sessions.get(address);
    return stored ? SessionRecord.deserialize(JSON.parse(stored)) : undefined;
  },
  storeSession: async (address, record) => {
    state.sessions.set(address, JSON.stringify(record.serialize()));
  },
  loadPreKey: async (id) => state.preKeys.get(id),
  removePreKey: async (id) => { state.preKeys.delete(id); },
  loadSignedPreKey: async (id) => (id === state.signedPreKey.keyId ? state.signedPreKey.keyPair : undefined),
};

const hex = (buffer) => Buffer.from(buffer).toString('hex');
const bytes = (text) => Buffer.from(text, 'hex');

function parseAddress(text) {
  const dot = text.lastIndexOf('.');
  return new ProtocolAddress(text.slice(0, dot), Number(text.slice(dot + 1)));
}

function ourBundle() {
  // Each bundle hands out the next one-time prekey not handed out before, like the server does.
  const preKeyId = [...state.preKeys.keys()].find((id) => id >= state.nextPreKey);
  const preKey = preKeyId === undefined ? undefined : state.preKeys.get(preKeyId);
  if (preKeyId !== undefined) state.nextPreKey = preKeyId + 1;
  return {
    registrationId: state.registrationId,
    identityKey: hex(state.identity.pubKey),
    signedPreKey: {
      keyId: state.signedPreKey.keyId,
      publicKey: hex(state.signedPreKey.keyPair.pubKey),
      signature: hex(state.signedPreKey.signature),
    },
    preKey: preKey ? { keyId: preKeyId, publicKey: hex(preKey.pubKey) } : undefined,
  };
}

async function handle(command) {
  switch (command.cmd) {
    case 'install':
      install(command.preKeys ?? 10);
      return { identityKey: hex(state.identity.pubKey), registrationId: state.registrationId };
    case 'bundle':
      return { bundle: ourBundle() };
    case 'processBundle': {
      const b = command.bundle;
      const device = {
        registrationId: b.registrationId,
        identityKey: bytes(b.identityKey),
        signedPreKey: { keyId: b.signedPreKey.keyId, publicKey: bytes(b.signedPreKey.publicKey), signature: bytes(b.signedPreKey.signature) },
        preKey: b.preKey ? { keyId: b.preKey.keyId, publicKey: bytes(b.preKey.publicKey) } : undefined,
      };
      await new SessionBuilder(storage, parseAddress(command.address)).initOutgoing(device);
      return {};
    }
    case 'encrypt': {
      const cipher = new SessionCipher(storage, parseAddress(command.address));
      const messages = [];
      for (const plaintext of command.plaintexts) {
        const { type, body } = await cipher.encrypt(bytes(plaintext));
        messages.push({ type, body: hex(body) });
      }
      return { messages };
    }
    case 'decrypt': {
      const cipher = new SessionCipher(storage, parseAddress(command.address));
      const results = [];
      for (const message of command.messages) {
        try {
          const plaintext = message.type === 3
            ? await cipher.decryptPreKeyWhisperMessage(bytes(message.body))
            : await cipher.decryptWhisperMessage(bytes(message.body));
          results.push({ plaintext: hex(plaintext) });
        } catch (e) {
          results.push({ error: String(e && e.message || e) });
        }
      }
      return { results };
    }
    case 'preKeyCount':
      return { count: state.preKeys.size };
    default:
      throw new Error(`unknown command ${command.cmd}`);
  }
}

// The protocol of tests/CodeChat.Testing/NodeLinePeer.cs: a ready line, then one reply per request
// carrying the request's id, in order.
const lines = readline.createInterface({ input: process.stdin });
process.stdout.write(JSON.stringify({ ready: true }) + '\n');
for await (const line of lines) {
  if (!line.trim()) continue;
  let command;
  let reply;
  try {
    command = JSON.parse(line);
    reply = { id: command.id, ok: true, ...(await handle(command)) };
  } catch (e) {
    reply = { id: command?.id ?? null, ok: false, error: String(e && e.stack || e) };
  }
  process.stdout.write(JSON.stringify(reply) + '\n');
}
