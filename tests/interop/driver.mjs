// Runs ONE unmodified Baileys client as an interop peer for the CodeChat.NET tests.
//
// Protocol: line-delimited JSON.
//   stdin  (commands): {"cmd":"connect"} {"cmd":"send","to","text"} {"cmd":"sendGroup","to","text"}
//                      {"cmd":"groupCreate","subject","participants":[jid…]} {"cmd":"groupMetadata","jid"}
//                      {"cmd":"read","keys":[…]} {"cmd":"presence","type","to"} {"cmd":"subscribePresence","to"}
//                      {"cmd":"groupUpdateParticipants","jid","participants":[jid…],"action":"add|remove|promote|demote"}
//                      {"cmd":"groupUpdateSubject","jid","subject"} {"cmd":"groupUpdateDescription","jid","description"}
//                      {"cmd":"groupSettingUpdate","jid","setting":"announcement|not_announcement|locked|unlocked"}
//                      {"cmd":"groupInviteCode","jid"} {"cmd":"groupRevokeInvite","jid"} {"cmd":"groupAcceptInvite","code"}
//                      {"cmd":"groupLeave","jid"}
//                      {"cmd":"sendMedia","to","path"|"base64","caption","mimetype"}   (an image)
//                      {"cmd":"uploadMedia","kind":"image|document","base64","mimetype"} (Baileys encrypts and uploads;
//                      result {url,directPath,mediaKey,fileSha256,fileEncSha256 (base64),fileLength})
//                      {"cmd":"downloadMedia","kind","directPath","url","mediaKey"} (Baileys downloads and decrypts;
//                      result {sha256 (hex),length})
//                      {"cmd":"sendContent","to","content"} (any Baileys message content; Buffers as {"base64"})
//                      {"cmd":"sendStatus","text","statusJidList":[jid…]} (a text status post; result {messageId})
//                      {"cmd":"relay","to","message"} (a raw waE2E.Message object sent as it is; result {messageId})
//                      {"cmd":"pairingCode","phone"} (link by phone number; result {"code"} to type on the phone)
//                      {"cmd":"flushDeviceCache"} {"cmd":"disconnect"} {"cmd":"close"}
//                      {"cmd":"wipeSessions","names":[…]} (forget the Signal sessions of these address names, e.g.
//                      "<lid user>_1", as a reinstall would; result {"deleted"})
//                      {"cmd":"wipeSenderKeys","group"} (forget every member's sender key in that group and
//                      which members got ours; result {"deleted"})
//                      {"cmd":"reinstall"} (new identity key, signed prekey and registration id, all sessions,
//                      peer identities and sender keys forgotten, new keys uploaded; result {"registrationId"})
//                      {"cmd":"updateProfilePicture","base64","jid"?} (own picture unless jid names a group; result
//                      {sha256 (hex),length} of the JPEG Baileys uploaded) {"cmd":"profilePictureUrl","jid"} (result {url})
//                      {"cmd":"updateProfilePicturePrivacy","value":"all|contacts|none"}
//                      {"cmd":"fetchUrl","url"} (GET; result {status,sha256 (hex),length})
//                      {"cmd":"rejectCall","callId","callFrom"}
//                      Every command may carry "id"; its outcome is reported as
//                      {"event":"result","id",…} or {"event":"error","id","message"}.
//   stdout (events):   {"event":"ready"} {"event":"qr","qr"} {"event":"restart","code"} {"event":"open","me"}
//                      {"event":"message",…,"contextInfo":{stanzaId,participant,remoteJid,quotedText,mentionedJid},
//                      "content":<the message, Buffers as BufferJSON>} {"event":"receipt",…} {"event":"presence","chat","participant","presence"}
//                      {"event":"close","code","reason"} {"event":"call","id","from","chatId","status","isVideo","isGroup"}
//                      {"event":"group","kind":"upsert|participants|update",…} {"event":"error","message"}
//                      A message Baileys could not decrypt has "stub":2 (CIPHERTEXT) and "stubParameters":[error text].
//                      A media message carries "media":{kind,mimetype,fileLength,caption,directPath,url,mediaKey,
//                      fileSha256,fileEncSha256 (base64), downloadedSha256 (hex, of the downloaded+decrypted bytes),
//                      downloadedLength, downloadError}.
// Everything else (Baileys' pino logs, console output) goes to stderr, so stdout stays parseable.
//
// Configuration (argv beats env):
//   --url ws://127.0.0.1:PORT/ws/chat   | WA_WS_URL      emulator endpoint (required)
//   --root-key <64 hex>                 | WA_ROOT_KEY    trusted certificate root (the emulator's)
//   --creds <file>                      | WA_CREDS_FILE  persist creds+keys (BufferJSON) across runs
//   --log <pino level>                  | BAILEYS_LOG    default "silent"
//   --keepalive-ms <n>                  | WA_KEEPALIVE_MS
import { readFileSync, writeFileSync, existsSync, renameSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createHash } from 'node:crypto';
import pino from 'pino';
import makeWASocket, {
    BufferJSON,
    Browsers,
    DisconnectReason,
    WA_CERT_DETAILS,
    downloadContentFromMessage,
    downloadMediaMessage,
    generateProfilePicture,
    initAuthCreds,
    prepareWAMessageMedia,
    proto,
} from 'baileys';

// The protocol channel is stdout; keep stray console output of dependencies off it.
const writeProtocolLine = (() => {
    const out = process.stdout;
    return (obj) => out.write(JSON.stringify(obj) + '\n');
})();
for (const level of ['log', 'info', 'warn', 'debug', 'trace']) {
    console[level] = (...args) => process.stderr.write(args.map(String).join(' ') + '\n');
}

function parseArgs(argv) {
    const options = {};
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (!arg.startsWith('--')) continue;
        const key = arg.slice(2);
        const next = argv[i + 1];
        if (next === undefined || next.startsWith('--')) {
            options[key] = 'true';
        } else {
            options[key] = next;
            i++;
        }
    }
    return options;
}

const args = parseArgs(process.argv.slice(2));
const config = {
    url: args.url ?? process.env.WA_WS_URL,
    rootKeyHex: args['root-key'] ?? process.env.WA_ROOT_KEY,
    credsFile: args.creds ?? process.env.WA_CREDS_FILE,
    logLevel: args.log ?? process.env.BAILEYS_LOG ?? 'silent',
    keepAliveMs: Number(args['keepalive-ms'] ?? process.env.WA_KEEPALIVE_MS ?? 30000),
};

const logger = pino({ level: config.logLevel }, pino.destination(2));

function fail(message) {
    writeProtocolLine({ event: 'error', message });
}

if (!config.url) {
    fail('no emulator url: pass --url or WA_WS_URL');
    process.exit(2);
}

// Baileys reads the trusted root at handshake time from this exported object. Its own check does not
// reject foreign signatures today (emulator-notes-baileys7.md §2), but pointing it at the emulator's root
// keeps the chain genuinely valid should upstream start enforcing it.
if (config.rootKeyHex) {
    if (!/^[0-9a-fA-F]{64}$/.test(config.rootKeyHex)) {
        fail('--root-key must be 64 hex characters');
        process.exit(2);
    }
    WA_CERT_DETAILS.PUBLIC_KEY = Buffer.from(config.rootKeyHex, 'hex');
}

// ---------------------------------------------------------------------------------------------
// Auth state: in memory, optionally mirrored to a JSON file so a test can restart the process.

function loadAuthState() {
    if (config.credsFile && existsSync(config.credsFile)) {
        const saved = JSON.parse(readFileSync(config.credsFile, 'utf8'), BufferJSON.reviver);
        return { creds: saved.creds, keyData: saved.keys ?? {} };
    }
    return { creds: initAuthCreds(), keyData: {} };
}

const state = loadAuthState();

function persistAuthState() {
    if (!config.credsFile) return;
    const tmp = config.credsFile + '.tmp';
    writeFileSync(tmp, JSON.stringify({ creds: state.creds, keys: state.keyData }, BufferJSON.replacer));
    renameSync(tmp, config.credsFile);
}

const keys = {
    async get(type, ids) {
        const bucket = state.keyData[type] ?? {};
        const found = {};
        for (const id of ids) {
            if (bucket[id] !== undefined) found[id] = bucket[id];
        }
        return found;
    },
    async set(data) {
        for (const [type, entries] of Object.entries(data)) {
            const bucket = (state.keyData[type] ??= {});
            for (const [id, value] of Object.entries(entries)) {
                if (value === null || value === undefined) delete bucket[id];
                else bucket[id] = value;
            }
        }
        persistAuthState();
    },
};

// Baileys caches usync device lists for 5 minutes and device notifications do not clear it
// (emulator-notes.md §10 pitfall 3); owning the cache lets a test flush it after pairing more devices.
class DeviceListCache {
    #entries = new Map();
    #ttlMs;
    constructor(ttlMs) { this.#ttlMs = ttlMs; }
    get(key) {
        const entry = this.#entries.get(key);
        if (!entry) return undefined;
        if (entry.expires < Date.now()) {
            this.#entries.delete(key);
            return undefined;
        }
        return entry.value;
    }
    set(key, value) {
        this.#entries.set(key, { value, expires: Date.now() + this.#ttlMs });
        return true;
    }
    del(key) { return this.#entries.delete(key) ? 1 : 0; }
    flushAll() { this.#entries.clear(); }
}
const userDevicesCache = new DeviceListCache(5 * 60 * 1000);

// ---------------------------------------------------------------------------------------------
// Socket lifecycle

let sock;
let wantConnected = false;
// Resolved by the current socket's first QR: pair-device arrived, so a pairing code may be requested.
let registrationReady;

function deferred() {
    let resolve;
    const promise = new Promise((r) => { resolve = r; });
    return { promise, resolve };
}

function describeMe() {
    const me = state.creds.me;
    return me ? { id: me.id, lid: me.lid ?? null, name: me.name ?? null } : null;
}

function textOf(message) {
    if (!message) return null;
    return message.conversation
        ?? message.extendedTextMessage?.text
        ?? message.ephemeralMessage?.message?.conversation
        ?? message.ephemeralMessage?.message?.extendedTextMessage?.text
        ?? null;
}

const MEDIA_KINDS = ['imageMessage', 'videoMessage', 'audioMessage', 'documentMessage', 'stickerMessage'];
const b64 = (bytes) => (bytes ? Buffer.from(bytes).toString('base64') : null);

// Downloads and decrypts the attachment with Baileys' own code path, so a test can compare hashes.
async function describeMedia(m) {
    const kind = MEDIA_KINDS.find((k) => m.message?.[k]);
    if (!kind) return null;
    const media = m.message[kind];
    const described = {
        kind,
        mimetype: media.mimetype ?? null,
        fileLength: media.fileLength != null ? Number(media.fileLength) : null,
        caption: media.caption ?? null,
        directPath: media.directPath ?? null,
        url: media.url ?? null,
        mediaKey: b64(media.mediaKey),
        fileSha256: b64(media.fileSha256),
        fileEncSha256: b64(media.fileEncSha256),
        downloadedSha256: null,
        downloadedLength: null,
        downloadError: null,
    };
    try {
        const bytes = await downloadMediaMessage(m, 'buffer', {});
        described.downloadedSha256 = createHash('sha256').update(bytes).digest('hex');
        described.downloadedLength = bytes.length;
    } catch (err) {
        described.downloadError = err?.message ?? String(err);
    }
    return described;
}

// What we sent, by message id, for getMessage (resends after a retry receipt).
const sentMessages = new Map();
function rememberSent(sent) {
    if (sent?.key?.id && sent.message) sentMessages.set(sent.key.id, sent.message);
    return sent;
}

// The quote and mentions a message carries (the contextInfo of its content), as a test checks them.
function describeContextInfo(message) {
    if (!message) return null;
    const kind = Object.keys(message).find((k) => k !== 'messageContextInfo' && k !== 'senderKeyDistributionMessage');
    const contextInfo = kind ? message[kind]?.contextInfo : null;
    if (!contextInfo) return null;
    return {
        stanzaId: contextInfo.stanzaId ?? null,
        participant: contextInfo.participant ?? null,
        remoteJid: contextInfo.remoteJid ?? null,
        quotedText: textOf(contextInfo.quotedMessage),
        mentionedJid: contextInfo.mentionedJid ?? [],
    };
}

const participantIds = (participants) => (participants ?? []).map((p) => (typeof p === 'string' ? p : p.id));

function startSocket() {
    const socket = makeWASocket({
        waWebSocketUrl: config.url,
        auth: { creds: state.creds, keys },
        logger,
        browser: Browsers.ubuntu('Chrome'),
        keepAliveIntervalMs: config.keepAliveMs,
        markOnlineOnConnect: false,
        shouldSyncHistoryMessage: () => false,
        userDevicesCache,
        // no internet here: a link-preview fetch would only time out (emulator-notes.md §10 pitfall 6)
        generateHighQualityLinkPreview: false,
        // Answers a peer's retry receipt: Baileys' own recent-message cache is keyed by the chat JID,
        // while a 1:1 retry receipt names the device, so without this a resend never happens.
        getMessage: async (key) => sentMessages.get(key.id),
    });
    sock = socket;
    const ready = deferred();
    registrationReady = ready;

    socket.ev.on('creds.update', (update) => {
        Object.assign(state.creds, update);
        persistAuthState();
    });

    socket.ev.on('connection.update', (update) => {
        if (socket !== sock) return;
        if (update.qr) {
            ready.resolve();
            // The ADV secret exists only in this string: the harness hands it to the emulator's phone.
            writeProtocolLine({ event: 'qr', qr: update.qr });
        }
        if (update.connection === 'open') {
            writeProtocolLine({ event: 'open', me: describeMe() });
        }
        if (update.connection === 'close') {
            const code = update.lastDisconnect?.error?.output?.statusCode ?? null;
            const reason = update.lastDisconnect?.error?.message ?? null;
            sock = undefined;
            // Baileys never reconnects on its own; 515 after pairing means "log in again now".
            if (code === DisconnectReason.restartRequired && wantConnected) {
                writeProtocolLine({ event: 'restart', code });
                startSocket();
                return;
            }
            wantConnected = false;
            writeProtocolLine({ event: 'close', code, reason });
        }
    });

    socket.ev.on('messages.upsert', async ({ messages, type }) => {
        for (const m of messages) {
            if (m.key.fromMe) continue; // emitOwnEvents also upserts what we sent
            const media = await describeMedia(m);
            writeProtocolLine({
                event: 'message',
                type,
                id: m.key.id,
                from: m.key.remoteJid,
                fromAlt: m.key.remoteJidAlt ?? null,
                participant: m.key.participant ?? null,
                pushName: m.pushName ?? null,
                text: textOf(m.message),
                messageKinds: m.message ? Object.keys(m.message) : [],
                contextInfo: describeContextInfo(m.message),
                content: m.message ? JSON.parse(JSON.stringify(m.message, BufferJSON.replacer)) : null,
                stub: m.messageStubType ?? null,
                stubParameters: m.messageStubParameters ?? [],
                media,
                key: m.key,
            });
        }
    });

    socket.ev.on('messages.update', (updates) => {
        for (const { key, update } of updates) {
            // What Baileys' process-message makes of a revoke (stub REVOKE, message gone) or an edit (the new content).
            const edited = update.message?.editedMessage?.message;
            if (edited || update.messageStubType === proto.WebMessageInfo.StubType.REVOKE) {
                writeProtocolLine({ event: 'revision', kind: edited ? 'edit' : 'revoke', id: key.id, remoteJid: key.remoteJid, text: textOf(edited) });
            }
            if (update.status === undefined) continue;
            writeProtocolLine({ event: 'receipt', id: key.id, remoteJid: key.remoteJid, status: update.status });
        }
    });

    socket.ev.on('call', (calls) => {
        for (const call of calls) {
            writeProtocolLine({ event: 'call', id: call.id, from: call.from, chatId: call.chatId, status: call.status, isVideo: !!call.isVideo, isGroup: !!call.isGroup });
        }
    });

    socket.ev.on('presence.update', ({ id, presences }) => {
        for (const [participant, presence] of Object.entries(presences)) {
            writeProtocolLine({ event: 'presence', chat: id, participant, presence: presence.lastKnownPresence });
        }
    });

    socket.ev.on('groups.upsert', (groups) => {
        for (const g of groups) {
            writeProtocolLine({ event: 'group', kind: 'upsert', id: g.id, subject: g.subject, participants: participantIds(g.participants) });
        }
    });

    socket.ev.on('group-participants.update', ({ id, author, participants, action }) => {
        writeProtocolLine({ event: 'group', kind: 'participants', id, author: author ?? null, action, participants: participantIds(participants) });
    });

    socket.ev.on('groups.update', (updates) => {
        for (const update of updates) {
            // groupFetchAllParticipating also emits full metadata here; only notifications carry an author
            if (update.author === undefined && update.participants) continue;
            writeProtocolLine({
                event: 'group',
                kind: 'update',
                id: update.id,
                author: update.author ?? null,
                subject: update.subject ?? null,
                desc: update.desc ?? null,
                announce: update.announce ?? null,
                restrict: update.restrict ?? null,
                inviteCode: update.inviteCode ?? null,
            });
        }
    });
}

function requireSocket() {
    if (!sock) throw new Error('not connected: send {"cmd":"connect"} first');
    return sock;
}

// ---------------------------------------------------------------------------------------------
// Commands

const commands = {
    async connect() {
        if (sock) return { alreadyConnected: true };
        wantConnected = true;
        startSocket();
        return {};
    },
    async send({ to, text }) {
        const sent = rememberSent(await requireSocket().sendMessage(to, { text, linkPreview: null }));
        return { messageId: sent?.key?.id ?? null, to: sent?.key?.remoteJid ?? to };
    },
    async sendGroup({ to, text }) {
        return commands.send({ to, text });
    },
    async groupCreate({ subject, participants }) {
        const metadata = await requireSocket().groupCreate(subject, participants ?? []);
        return { gid: metadata.id, subject: metadata.subject, participants: metadata.participants.map((p) => p.id) };
    },
    async groupMetadata({ jid }) {
        const metadata = await requireSocket().groupMetadata(jid);
        return {
            gid: metadata.id,
            subject: metadata.subject,
            participants: metadata.participants.map((p) => p.id),
            admins: metadata.participants.filter((p) => p.admin).map((p) => p.id),
            desc: metadata.desc ?? null,
            descId: metadata.descId ?? null,
            announce: metadata.announce,
            restrict: metadata.restrict,
        };
    },
    async groupUpdateParticipants({ jid, participants, action }) {
        const results = await requireSocket().groupParticipantsUpdate(jid, participants, action);
        return { results: results.map(({ jid: participant, status }) => ({ jid: participant, status })) };
    },
    async groupUpdateSubject({ jid, subject }) {
        await requireSocket().groupUpdateSubject(jid, subject);
        return {};
    },
    async groupUpdateDescription({ jid, description }) {
        await requireSocket().groupUpdateDescription(jid, description);
        return {};
    },
    async groupSettingUpdate({ jid, setting }) {
        await requireSocket().groupSettingUpdate(jid, setting);
        return {};
    },
    async groupInviteCode({ jid }) {
        return { code: (await requireSocket().groupInviteCode(jid)) ?? null };
    },
    async groupRevokeInvite({ jid }) {
        return { code: (await requireSocket().groupRevokeInvite(jid)) ?? null };
    },
    async groupAcceptInvite({ code }) {
        return { gid: (await requireSocket().groupAcceptInvite(code)) ?? null };
    },
    async groupLeave({ jid }) {
        await requireSocket().groupLeave(jid);
        return {};
    },
    async sendMedia({ to, path, base64, caption, mimetype }) {
        if (!path && !base64) throw new Error('sendMedia needs path or base64');
        const image = path ? { url: path } : Buffer.from(base64, 'base64');
        const sent = rememberSent(await requireSocket().sendMessage(to, { image, caption, mimetype: mimetype ?? 'image/jpeg' }));
        const media = sent?.message?.imageMessage;
        return {
            messageId: sent?.key?.id ?? null,
            to: sent?.key?.remoteJid ?? to,
            directPath: media?.directPath ?? null,
            url: media?.url ?? null,
            fileSha256: b64(media?.fileSha256),
            fileEncSha256: b64(media?.fileEncSha256),
        };
    },
    async sendContent({ to, content }) {
        // Any Baileys AnyMessageContent: {delete: key}, {edit: key, text}, {react: {key, text}}, {document, …}.
        // Buffers travel as {"base64": "..."} objects.
        const revive = (value) => {
            if (value && typeof value === 'object' && !Array.isArray(value)) {
                if (Object.keys(value).length === 1 && typeof value.base64 === 'string') return Buffer.from(value.base64, 'base64');
                return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revive(v)]));
            }
            return value;
        };
        const sent = rememberSent(await requireSocket().sendMessage(to, revive(content)));
        return { messageId: sent?.key?.id ?? null, to: sent?.key?.remoteJid ?? to };
    },
    async sendStatus({ text, statusJidList }) {
        // A text status post to the given contacts (Baileys encrypts it with a status@broadcast sender key).
        const sent = await requireSocket().sendMessage('status@broadcast', { text }, { statusJidList, broadcast: true });
        return { messageId: sent?.key?.id ?? null };
    },
    async relay({ to, message }) {
        // A raw waE2E.Message as protobufjs JSON (e.g. {requestPaymentMessage: {…}}), relayed unchanged.
        const content = proto.Message.fromObject(message);
        const id = await requireSocket().relayMessage(to, content, {});
        sentMessages.set(id, content);
        return { messageId: id, to };
    },
    async uploadMedia({ kind, base64, mimetype }) {
        if (!['image', 'document'].includes(kind)) throw new Error('uploadMedia kind must be image or document');
        const media = Buffer.from(base64, 'base64');
        const content = kind === 'image'
            ? { image: media, mimetype: mimetype ?? 'image/jpeg' }
            : { document: media, mimetype: mimetype ?? 'application/octet-stream', fileName: 'file.bin' };
        const prepared = await prepareWAMessageMedia(content, { upload: requireSocket().waUploadToServer });
        const message = prepared[`${kind}Message`];
        return {
            url: message.url ?? null,
            directPath: message.directPath ?? null,
            mediaKey: b64(message.mediaKey),
            fileSha256: b64(message.fileSha256),
            fileEncSha256: b64(message.fileEncSha256),
            fileLength: Number(message.fileLength),
        };
    },
    async downloadMedia({ kind, directPath, url, mediaKey }) {
        const stream = await downloadContentFromMessage({ mediaKey: Buffer.from(mediaKey, 'base64'), directPath, url }, kind);
        const hash = createHash('sha256');
        let length = 0;
        for await (const chunk of stream) {
            hash.update(chunk);
            length += chunk.length;
        }
        return { sha256: hash.digest('hex'), length };
    },
    async updateProfilePicture({ base64, jid }) {
        const socket = requireSocket();
        const input = Buffer.from(base64, 'base64');
        // The JPEG Baileys sends is its own re-encoding of the input (sharp, 640x640, quality 50); the same
        // call on the same input gives the same bytes, so computing it here tells what the server received.
        const { img } = await generateProfilePicture(input);
        const jpeg = await img;
        await socket.updateProfilePicture(jid ?? socket.user.id, input);
        return { sha256: createHash('sha256').update(jpeg).digest('hex'), length: jpeg.length };
    },
    async profilePictureUrl({ jid }) {
        return { url: (await requireSocket().profilePictureUrl(jid, 'image')) ?? null };
    },
    async updateProfilePicturePrivacy({ value }) {
        await requireSocket().updateProfilePicturePrivacy(value);
        return {};
    },
    async fetchUrl({ url }) {
        const response = await fetch(url);
        const body = Buffer.from(await response.arrayBuffer());
        return { status: response.status, sha256: createHash('sha256').update(body).digest('hex'), length: body.length };
    },
    async rejectCall({ callId, callFrom }) {
        await requireSocket().rejectCall(callId, callFrom);
        return {};
    },
    async read({ keys: messageKeys }) {
        await requireSocket().readMessages(messageKeys);
        return {};
    },
    async presence({ type, to }) {
        // available/unavailable need creds.me.name (a push name on the emulator account); composing,
        // recording and paused are chatstates to `to`
        await requireSocket().sendPresenceUpdate(type, to);
        return {};
    },
    async subscribePresence({ to }) {
        await requireSocket().presenceSubscribe(to);
        return {};
    },
    async pairingCode({ phone }) {
        const socket = requireSocket();
        if (!phone) throw new Error('pairingCode needs "phone" (international digits)');
        // Baileys sends companion_hello on the registration socket; wait until the server spoke (pair-device).
        let timer;
        const timedOut = new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error('no pair-device within 30 s (already registered?)')), 30000);
        });
        try {
            await Promise.race([registrationReady.promise, timedOut]);
        } finally {
            clearTimeout(timer);
        }
        const code = await socket.requestPairingCode(phone);
        return { code };
    },
    async flushDeviceCache() {
        userDevicesCache.flushAll();
        return {};
    },
    async wipeSessions({ names }) {
        // libsignal addresses are "<name>.<device>"; drop every device of the given names
        const bucket = state.keyData.session ?? {};
        const wanted = new Set(names ?? []);
        const doomed = Object.keys(bucket).filter((address) => wanted.has(address.slice(0, address.lastIndexOf('.'))));
        await keys.set({ session: Object.fromEntries(doomed.map((address) => [address, null])) });
        return { deleted: doomed.length };
    },
    async wipeSenderKeys({ group }) {
        // libsignal-node's SenderKeyName.toString() is "<group>::<sender name>::<device>"
        const bucket = state.keyData['sender-key'] ?? {};
        const doomed = Object.keys(bucket).filter((name) => name.startsWith(`${group}::`));
        await keys.set({
            'sender-key': Object.fromEntries(doomed.map((name) => [name, null])),
            'sender-key-memory': { [group]: null },
        });
        return { deleted: doomed.length };
    },
    async reinstall() {
        // What a reinstall changes for Signal: a new identity key, signed prekey and registration id,
        // every session, peer identity and sender key forgotten; the new keys are uploaded so the
        // server hands out bundles with the new identity. The device keeps its link (same device id),
        // which a real reinstall would not; the emulator accepts it, and it keeps the address the same.
        const fresh = initAuthCreds();
        state.creds.signedIdentityKey = fresh.signedIdentityKey;
        state.creds.signedPreKey = fresh.signedPreKey;
        state.creds.registrationId = fresh.registrationId;
        state.creds.firstUnuploadedPreKeyId = state.creds.nextPreKeyId;
        for (const type of ['session', 'identity-key', 'sender-key', 'sender-key-memory']) {
            const bucket = state.keyData[type] ?? {};
            await keys.set({ [type]: Object.fromEntries(Object.keys(bucket).map((id) => [id, null])) });
        }
        persistAuthState();
        if (!sock) throw new Error('not connected');
        await sock.uploadPreKeys(5);
        return { registrationId: state.creds.registrationId };
    },
    async disconnect() {
        wantConnected = false;
        const current = sock;
        if (current) current.end(undefined);
        return {};
    },
    async close() {
        wantConnected = false;
        const current = sock;
        sock = undefined;
        if (current) current.end(undefined);
        setTimeout(() => process.exit(0), 50);
        return {};
    },
};

async function handleLine(line) {
    if (!line.trim()) return;
    let command;
    try {
        command = JSON.parse(line);
    } catch {
        fail(`not JSON: ${line.slice(0, 200)}`);
        return;
    }
    const handler = commands[command.cmd];
    if (!handler) {
        writeProtocolLine({ event: 'error', id: command.id ?? null, message: `unknown command ${command.cmd}` });
        return;
    }
    try {
        const result = await handler(command);
        writeProtocolLine({ event: 'result', id: command.id ?? null, cmd: command.cmd, ...result });
    } catch (err) {
        logger.error({ err }, `command ${command.cmd} failed`);
        writeProtocolLine({ event: 'error', id: command.id ?? null, cmd: command.cmd, message: err?.message ?? String(err) });
    }
}

process.on('unhandledRejection', (err) => {
    process.stderr.write(`unhandled rejection: ${err?.stack ?? err}\n`);
});

const input = createInterface({ input: process.stdin });
input.on('line', (line) => { void handleLine(line); });
// The harness owns our lifetime: when it goes away, so do we.
input.on('close', () => {
    wantConnected = false;
    sock?.end(undefined);
    setTimeout(() => process.exit(0), 50);
});

writeProtocolLine({ event: 'ready', baileys: '7.0.0-rc14' });
