// The Baileys side of bench/CodeChat.Bench's "signal-ratio" run: encrypt+decrypt throughput of
// Baileys 7's Signal code, measured in process CPU time (process.cpuUsage: user + system of every
// thread), the same way the C# side measures itself (Process.TotalProcessorTime).
//
//   node signal-bench.mjs --mode group|session-one-way|session-ping-pong --cpu-seconds S --warmup W --bytes B
//
// After W unmeasured round trips (JIT warm-up) it runs round trips until S seconds of process CPU
// time are used, checking each decrypted plaintext.
//
// group:             Baileys' GroupCipher (lib/Signal/Group/*): a sender encrypts, a member decrypts.
// session-one-way:   libsignal-node SessionCipher over an established session; A encrypts, B decrypts.
// session-ping-pong: the same, alternating direction every message (a DH ratchet step each time).
// Records go through the same (de)serialization as Baileys' signalStorage on every operation.
// Prints one JSON line: {mode, messages, cpuSeconds, messagesPerCpuSecond}.
import { randomBytes } from 'node:crypto';
import libsignal from 'libsignal';
import {
    GroupCipher,
    GroupSessionBuilder,
    SenderKeyDistributionMessage,
    SenderKeyName,
    SenderKeyRecord,
} from 'baileys/lib/Signal/Group/index.js';

for (const level of ['log', 'info', 'warn', 'debug', 'trace']) {
    console[level] = (...args) => process.stderr.write(args.map(String).join(' ') + '\n');
}

const { keyhelper, ProtocolAddress, SessionBuilder, SessionCipher, SessionRecord } = libsignal;

function option(name, fallback) {
    const index = process.argv.indexOf(`--${name}`);
    return index >= 0 ? process.argv[index + 1] : fallback;
}

const mode = option('mode', 'group');
const cpuBudgetSeconds = Number(option('cpu-seconds', '3'));
const warmup = Number(option('warmup', '300'));
const plaintextBytes = Number(option('bytes', '100'));

// Baileys' signalStorage.storeSenderKey/loadSenderKey (lib/Signal/libsignal.js).
function senderKeyStorage() {
    const records = new Map();
    return {
        loadSenderKey: async (name) => {
            const stored = records.get(name.toString());
            return stored ? SenderKeyRecord.deserialize(stored) : new SenderKeyRecord();
        },
        storeSenderKey: async (name, record) => {
            records.set(name.toString(), Buffer.from(JSON.stringify(record.serialize()), 'utf-8'));
        },
    };
}

async function groupPair() {
    const senderStore = senderKeyStorage();
    const memberStore = senderKeyStorage();
    const name = new SenderKeyName('120363000000000000@g.us', new ProtocolAddress('111111111111111_1', 0));
    const skdm = await new GroupSessionBuilder(senderStore).create(name);
    await new GroupSessionBuilder(memberStore).process(name, new SenderKeyDistributionMessage(null, null, null, null, skdm.serialize()));
    const sender = new GroupCipher(senderStore, name);
    const member = new GroupCipher(memberStore, name);
    return async (plaintext) => {
        const ciphertext = await sender.encrypt(plaintext);
        return member.decrypt(ciphertext);
    };
}

// One party of a 1:1 chat: identity, prekeys, and sessions kept as Baileys keeps them
// (SessionRecord.serialize() JSON, deserialized on every load).
function party(name) {
    const identity = keyhelper.generateIdentityKeyPair();
    const registrationId = keyhelper.generateRegistrationId();
    const signedPreKey = keyhelper.generateSignedPreKey(identity, 1);
    const preKey = keyhelper.generatePreKey(1);
    const sessions = new Map();
    const storage = {
        getOurIdentity: async () => identity,
        getOurRegistrationId: async () => registrationId,
        isTrustedIdentity: async () => true,
        loadSession: async (address) => {
            const stored = sessions.get(address);
            return stored ? SessionRecord.deserialize(JSON.parse(stored)) : undefined;
        },
        storeSession: async (address, record) => { sessions.set(address, JSON.stringify(record.serialize())); },
        loadPreKey: async (id) => (id === preKey.keyId ? preKey.keyPair : undefined),
        removePreKey: async () => {},
        loadSignedPreKey: async (id) => (id === signedPreKey.keyId ? signedPreKey.keyPair : undefined),
    };
    const bundle = {
        registrationId,
        identityKey: identity.pubKey,
        signedPreKey: { keyId: signedPreKey.keyId, publicKey: signedPreKey.keyPair.pubKey, signature: signedPreKey.signature },
        preKey: { keyId: preKey.keyId, publicKey: preKey.keyPair.pubKey },
    };
    return { address: new ProtocolAddress(name, 0), storage, bundle };
}

async function sessionPair(pingPong) {
    const alice = party('111111111111111_1');
    const bob = party('222222222222222_1');
    await new SessionBuilder(alice.storage, bob.address).initOutgoing(bob.bundle);
    const aliceToBob = new SessionCipher(alice.storage, bob.address);
    const bobFromAlice = new SessionCipher(bob.storage, alice.address);
    const bobToAlice = new SessionCipher(bob.storage, alice.address);
    const aliceFromBob = new SessionCipher(alice.storage, bob.address);
    // Establish: Alice's pkmsg, Bob's reply; from here on both send plain `msg`s.
    const first = await aliceToBob.encrypt(randomBytes(16));
    await bobFromAlice.decryptPreKeyWhisperMessage(Buffer.from(first.body, 'binary'));
    const reply = await bobToAlice.encrypt(randomBytes(16));
    await aliceFromBob.decryptWhisperMessage(Buffer.from(reply.body, 'binary'));
    let turn = 0;
    return async (plaintext) => {
        const fromAlice = !pingPong || turn++ % 2 === 0;
        const [sender, receiver] = fromAlice ? [aliceToBob, bobFromAlice] : [bobToAlice, aliceFromBob];
        const message = await sender.encrypt(plaintext);
        if (message.type !== 1) throw new Error(`expected an established session, got message type ${message.type}`);
        return receiver.decryptWhisperMessage(Buffer.from(message.body, 'binary'));
    };
}

const roundTrip = mode === 'group'
    ? await groupPair()
    : mode === 'session-one-way' ? await sessionPair(false)
    : mode === 'session-ping-pong' ? await sessionPair(true)
    : (() => { throw new Error(`unknown mode ${mode}`); })();

const plaintext = randomBytes(plaintextBytes);
const check = async () => {
    const decrypted = await roundTrip(plaintext);
    if (!Buffer.from(decrypted).equals(plaintext)) throw new Error('round trip changed the plaintext');
};
for (let i = 0; i < warmup; i++) await check();

const before = process.cpuUsage();
const cpuSecondsSince = () => {
    const used = process.cpuUsage(before);
    return (used.user + used.system) / 1e6;
};
// The clock is read every CLOCK_STRIDE messages (as on our side, SignalRatio/CpuBudgetMeter.cs),
// so the getrusage calls stay out of what is measured.
const CLOCK_STRIDE = 16;
let messages = 0;
let cpuSeconds = 0;
while (cpuSeconds < cpuBudgetSeconds) {
    for (let i = 0; i < CLOCK_STRIDE; i++) await check();
    messages += CLOCK_STRIDE;
    cpuSeconds = cpuSecondsSince();
}
process.stdout.write(JSON.stringify({ mode, messages, cpuSeconds, messagesPerCpuSecond: messages / cpuSeconds }) + '\n');
