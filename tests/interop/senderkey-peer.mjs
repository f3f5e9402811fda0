// Runs Baileys 7's own sender-key (group) Signal code as an independent peer for the CodeChat.NET
// sender-key tests: its GroupSessionBuilder, GroupCipher, SenderKeyDistributionMessage and
// SenderKeyRecord classes (node_modules/baileys/lib/Signal/Group/*), unmodified. Records are kept
// the way Baileys' signalStorage keeps them (JSON of SenderKeyRecord.serialize(), parsed back with
// SenderKeyRecord.deserialize on every load), so the peer behaves like a real Baileys client.
//
// Protocol: line-delimited JSON. Every command carries "id" and is answered with
// {"id","ok":true,…} or {"id","ok":false,"error"}. Binary values are base64.
//   {"cmd":"create","group","sender"}                      -> {"skdm"}        (GroupSessionBuilder.create)
//   {"cmd":"process","group","sender","skdm"}              -> {}              (GroupSessionBuilder.process)
//   {"cmd":"encrypt","group","sender","plaintext"}         -> {"ciphertext"}  (GroupCipher.encrypt)
//   {"cmd":"decrypt","group","sender","ciphertext"}        -> {"plaintext"}   (GroupCipher.decrypt)
//   {"cmd":"forget","group","sender"}                      -> {}              (drops the stored record)
// "group" is a group JID, "sender" a Signal address "name.device" (e.g. "123456789012345_1.0").
// Anything else Baileys prints goes to stderr, so stdout stays parseable.
//
// Option --keep-buffers: store records as JSON.stringify(serialize(), BufferJSON.replacer) instead.
// Baileys 7.0.0-rc14's own encoding (plain JSON.stringify, revived by SenderKeyRecord.deserialize)
// turns the seeds of kept skipped message keys into {type,data} objects, so a late group message
// fails in Baileys with "Expected Buffer instead of: Object" (see the interop tests). With this
// option Baileys' GroupCipher logic for skipped keys can be exercised on its own.
import { createInterface } from 'node:readline';
import { ProtocolAddress } from 'libsignal';
import { BufferJSON } from 'baileys';
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

const keepBuffers = process.argv.includes('--keep-buffers');

// In-memory stand-in for Baileys' signalStorage loadSenderKey/storeSenderKey (lib/Signal/libsignal.js).
const records = new Map();
const storage = {
    loadSenderKey: async (name) => {
        const stored = records.get(name.toString());
        return stored ? SenderKeyRecord.deserialize(stored) : new SenderKeyRecord();
    },
    storeSenderKey: async (name, record) => {
        const json = keepBuffers ? JSON.stringify(record.serialize(), BufferJSON.replacer) : JSON.stringify(record.serialize());
        records.set(name.toString(), Buffer.from(json, 'utf-8'));
    },
};

const senderKeyName = (group, sender) => new SenderKeyName(group, ProtocolAddress.from(sender));
const b64 = (bytes) => Buffer.from(bytes).toString('base64');
const bytes = (text) => Buffer.from(text, 'base64');

const handlers = {
    async create({ group, sender }) {
        const skdm = await new GroupSessionBuilder(storage).create(senderKeyName(group, sender));
        return { skdm: b64(skdm.serialize()) };
    },
    async process({ group, sender, skdm }) {
        const message = new SenderKeyDistributionMessage(null, null, null, null, bytes(skdm));
        await new GroupSessionBuilder(storage).process(senderKeyName(group, sender), message);
        return {};
    },
    async encrypt({ group, sender, plaintext }) {
        const ciphertext = await new GroupCipher(storage, senderKeyName(group, sender)).encrypt(bytes(plaintext));
        return { ciphertext: b64(ciphertext) };
    },
    async decrypt({ group, sender, ciphertext }) {
        const plaintext = await new GroupCipher(storage, senderKeyName(group, sender)).decrypt(bytes(ciphertext));
        return { plaintext: b64(plaintext) };
    },
    async forget({ group, sender }) {
        records.delete(senderKeyName(group, sender).toString());
        return {};
    },
};

const write = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');

// Commands run one at a time, in order: Baileys' sender-key classes are not safe for concurrent
// use of one record, and the tests rely on ordering.
let queue = Promise.resolve();
createInterface({ input: process.stdin }).on('line', (line) => {
    if (!line.trim()) return;
    queue = queue.then(async () => {
        let command;
        try {
            command = JSON.parse(line);
            const handler = handlers[command.cmd];
            if (!handler) throw new Error(`unknown command ${command.cmd}`);
            write({ id: command.id, ok: true, ...(await handler(command)) });
        } catch (error) {
            write({ id: command?.id ?? null, ok: false, error: String(error?.message ?? error) });
        }
    });
}).on('close', () => queue.then(() => process.exit(0)));

write({ ready: true });
