// Runs Baileys 7's own app-state (syncd) code as an independent peer for the CodeChat.NET app-state
// tests: encodeSyncdPatch, decodeSyncdPatch, decodeSyncdSnapshot and newLTHashState from
// node_modules/baileys/lib/Utils/chat-utils.js, and the LT-hash and key expansion Baileys uses
// (LT_HASH_ANTI_TAMPERING from lib/Utils/lt-hash.js, expandAppStateKeys from whatsapp-rust-bridge),
// unmodified. The peer keeps Baileys' LTHashState per collection name, as a Baileys client does.
//
// Protocol: line-delimited JSON, as tests/CodeChat.Testing/NodeLinePeer.cs speaks it. Binary values
// are base64.
//   {"cmd":"expand","keyData"}                       -> {index, valueEncryption, valueMac, snapshotMac, patchMac}
//   {"cmd":"lthash","hash","add":[..],"subtract":[..]} -> {hash}
//   {"cmd":"key","keyId","keyData"}                   -> {}   (the app-state sync keys Baileys may use)
//   {"cmd":"reset","name"}                            -> {}   (forgets the collection's state)
//   {"cmd":"state","name"}                            -> {version, hash, indexValueMacs:{indexMac: valueMac}}
//   {"cmd":"encode","name","keyId","index":[..],"action":{SyncActionValue as protobufjs JSON},"apiVersion","operation":"set"|"remove"}
//        -> {patch}  (a SyncdPatch with the version the state reached; the state moves on)
//   {"cmd":"decode","name","patch"}                   -> {mutations:[{operation,index,action}]} (patch MAC,
//        value MACs, index MACs and the snapshot MAC checked; throws otherwise; the state moves on)
//   {"cmd":"decodeSnapshot","name","snapshot"}        -> {mutations, macMismatch} (the state is replaced)
//   {"cmd":"snapshot","name","keyId","version","entries":[{index,action,apiVersion}]}
//        -> {snapshot}  (a SyncdSnapshot at `version` holding one SET record per entry, each record
//        encoded by encodeSyncdPatch on a fresh state, the MAC over the resulting LT-hash; Baileys'
//        decodeSyncdSnapshot must accept it before it is returned; the collection's state becomes it)
//   {"cmd":"encode",...,"external":true}              -> {patch, mutations} (the patch without its
//        mutations, and them as a serialized SyncdMutations, to be uploaded as an external blob)
//   {"cmd":"blob","plaintext"}                        -> {encrypted, mediaKey, fileSha256, fileEncSha256, fileLength}
//        (Baileys' encryptedStream for media type 'md-app-state', what a phone uploads for
//        snapshots and external mutations, HKDF info "WhatsApp App State Keys")
// Anything else Baileys prints goes to stderr, so stdout stays parseable.
import { createInterface } from 'node:readline';
import { readFile, unlink } from 'node:fs/promises';
import { expandAppStateKeys } from 'whatsapp-rust-bridge';
import { proto } from 'baileys/WAProto/index.js';
import { encryptedStream } from 'baileys';
import {
    decodeSyncdPatch,
    decodeSyncdSnapshot,
    encodeSyncdPatch,
    newLTHashState,
} from 'baileys/lib/Utils/chat-utils.js';
import { LT_HASH_ANTI_TAMPERING } from 'baileys/lib/Utils/lt-hash.js';

for (const level of ['log', 'info', 'warn', 'debug', 'trace']) {
    console[level] = (...args) => process.stderr.write(args.map(String).join(' ') + '\n');
}

const b64 = (bytes) => Buffer.from(bytes).toString('base64');
const bytes = (text) => Buffer.from(text, 'base64');

const keys = new Map();
const states = new Map();
const getAppStateSyncKey = async (keyId) => keys.get(keyId);
const stateOf = (name) => states.get(name) ?? newLTHashState();

const operationOf = (name) => name === 'remove'
    ? proto.SyncdMutation.SyncdOperation.REMOVE
    : proto.SyncdMutation.SyncdOperation.SET;
const operationName = (operation) => operation === proto.SyncdMutation.SyncdOperation.REMOVE ? 'remove' : 'set';
const actionJson = (value) => value ? proto.SyncActionValue.toObject(proto.SyncActionValue.fromObject(value), { longs: Number, defaults: false }) : null;

const handlers = {
    async expand({ keyData }) {
        const k = expandAppStateKeys(bytes(keyData));
        return {
            index: b64(k.indexKey), valueEncryption: b64(k.valueEncryptionKey), valueMac: b64(k.valueMacKey),
            snapshotMac: b64(k.snapshotMacKey), patchMac: b64(k.patchMacKey),
        };
    },
    async lthash({ hash, add, subtract }) {
        const result = LT_HASH_ANTI_TAMPERING.subtractThenAdd(bytes(hash), (subtract ?? []).map(bytes), (add ?? []).map(bytes));
        return { hash: b64(result) };
    },
    async key({ keyId, keyData }) {
        keys.set(keyId, proto.Message.AppStateSyncKeyData.fromObject({ keyData: bytes(keyData), timestamp: Date.now() }));
        return {};
    },
    async reset({ name }) {
        states.delete(name);
        return {};
    },
    async state({ name }) {
        const state = stateOf(name);
        const indexValueMacs = {};
        for (const [index, { valueMac }] of Object.entries(state.indexValueMap)) {
            indexValueMacs[index] = b64(valueMac);
        }
        return { version: state.version, hash: b64(state.hash), indexValueMacs };
    },
    async encode({ name, keyId, index, action, apiVersion, operation, external }) {
        const { patch, state } = await encodeSyncdPatch(
            { type: name, index, syncAction: proto.SyncActionValue.fromObject(action), apiVersion, operation: operationOf(operation) },
            keyId, stateOf(name), getAppStateSyncKey);
        states.set(name, state);
        patch.version = { version: state.version };
        if (!external) {
            return { patch: b64(proto.SyncdPatch.encode(patch).finish()) };
        }
        const mutations = proto.SyncdMutations.encode({ mutations: patch.mutations }).finish();
        patch.mutations = [];
        return { patch: b64(proto.SyncdPatch.encode(patch).finish()), mutations: b64(mutations) };
    },
    async snapshot({ name, keyId, version, entries }) {
        let state = newLTHashState();
        const records = [];
        for (const { index, action, apiVersion } of entries) {
            const encoded = await encodeSyncdPatch(
                { type: name, index, syncAction: proto.SyncActionValue.fromObject(action), apiVersion, operation: operationOf('set') },
                keyId, state, getAppStateSyncKey);
            state = encoded.state;
            records.push(encoded.patch.mutations[0].record);
        }
        const k = expandAppStateKeys((await getAppStateSyncKey(keyId)).keyData);
        const hash = Buffer.from(state.hash);
        const snapshot = proto.SyncdSnapshot.encode({
            version: { version }, records, mac: snapshotMacOf(hash, version, name, k.snapshotMacKey), keyId: { id: bytes(keyId) },
        }).finish();
        let macMismatch = false;
        const logger = { warn: () => { macMismatch = true; }, trace() {}, debug() {}, info() {}, error() {} };
        const checked = await decodeSyncdSnapshot(name, proto.SyncdSnapshot.decode(snapshot), getAppStateSyncKey, undefined, true, logger);
        if (macMismatch || Buffer.compare(Buffer.from(checked.state.hash), hash) !== 0) {
            throw new Error('Baileys does not accept the snapshot it was built from');
        }
        states.set(name, { ...checked.state, version });
        return { snapshot: b64(snapshot) };
    },
    async blob({ plaintext }) {
        const enc = await encryptedStream(bytes(plaintext), 'md-app-state');
        const body = await readFile(enc.encFilePath);
        await unlink(enc.encFilePath);
        return {
            encrypted: b64(body), mediaKey: b64(enc.mediaKey), fileSha256: b64(enc.fileSha256),
            fileEncSha256: b64(enc.fileEncSha256), fileLength: enc.fileLength,
        };
    },
    async decode({ name, patch }) {
        const decoded = proto.SyncdPatch.decode(bytes(patch));
        const state = stateOf(name);
        const mutations = [];
        const result = await decodeSyncdPatch(decoded, name, state, getAppStateSyncKey,
            ({ syncAction, index }) => mutations.push({ index, action: actionJson(syncAction.value) }), true);
        // decodeSyncdPatch checks the patch MAC, value and index MACs; the LT-hash against the patch's
        // snapshot MAC is checked by Baileys' decodePatches, which this mirrors without downloading.
        const version = Number(decoded.version.version);
        const next = { version, hash: Buffer.from(result.hash), indexValueMap: result.indexValueMap };
        const k = expandAppStateKeys((await getAppStateSyncKey(b64(decoded.keyId.id))).keyData);
        const mac = snapshotMacOf(next.hash, version, name, k.snapshotMacKey);
        if (Buffer.compare(mac, Buffer.from(decoded.snapshotMac)) !== 0) {
            throw new Error('LTHash verification failed: snapshot MAC of the patch does not match');
        }
        states.set(name, next);
        const operations = decoded.mutations.map(m => operationName(m.operation));
        return { mutations: mutations.map((m, i) => ({ ...m, operation: operations[i] })) };
    },
    async decodeSnapshot({ name, snapshot }) {
        const decoded = proto.SyncdSnapshot.decode(bytes(snapshot));
        let macMismatch = false;
        const logger = { warn: () => { macMismatch = true; }, trace() {}, debug() {}, info() {}, error() {} };
        const { state, mutationMap } = await decodeSyncdSnapshot(name, decoded, getAppStateSyncKey, undefined, true, logger);
        states.set(name, state);
        const mutations = Object.values(mutationMap).map(({ syncAction, index }) => ({ index, action: actionJson(syncAction.value) }));
        return { mutations, macMismatch };
    },
};

// Baileys' generateSnapshotMac is not exported; this is the same HMAC (whatsapp-protocol.md §9.2),
// used only to apply the LT-hash check decodePatches makes after decodeSyncdPatch.
import { createHmac } from 'node:crypto';
function snapshotMacOf(hash, version, name, key) {
    const versionBytes = Buffer.alloc(8);
    versionBytes.writeBigUInt64BE(BigInt(version));
    return createHmac('sha256', key).update(Buffer.concat([hash, versionBytes, Buffer.from(name, 'utf-8')])).digest();
}

const lines = createInterface({ input: process.stdin });
process.stdout.write(JSON.stringify({ ready: true }) + '\n');
for await (const line of lines) {
    if (!line.trim()) continue;
    let request;
    try {
        request = JSON.parse(line);
        const handler = handlers[request.cmd];
        if (!handler) throw new Error(`unknown command ${request.cmd}`);
        const reply = await handler(request);
        process.stdout.write(JSON.stringify({ id: request.id, ok: true, ...reply }) + '\n');
    } catch (error) {
        process.stdout.write(JSON.stringify({ id: request?.id, ok: false, error: String(error?.stack ?? error) }) + '\n');
    }
}
