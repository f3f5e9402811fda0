// Builds history-sync blobs with Baileys 7's own code, independently of our C# codec:
// proto.HistorySync.encode (Baileys' WAProto), zlib deflate (node:zlib, what the phone does and
// Baileys' downloadHistory inflates), and Baileys' encryptedStream for media type 'md-msg-hist'
// (HKDF info "WhatsApp History Keys", MEDIA_HKDF_KEY_MAPPING in lib/Defaults). It also decrypts
// each blob back with Baileys' downloadHistory path pieces to prove the vector round-trips there.
//
// Usage (in tests/interop): node history-blob.mjs > vectors/history-sync-baileys.json
// The output holds, per chunk, the HistorySync as Baileys' toJSON shows it (the expectation) and the
// encrypted blob with the notification fields (mediaKey, fileSha256, fileEncSha256, fileLength).
import { readFile, unlink } from 'node:fs/promises';
import { deflateSync, inflateSync } from 'node:zlib';
import { createDecipheriv } from 'node:crypto';
import { proto, encryptedStream, getMediaKeys } from 'baileys';

const own = '15550009999';
const t0 = 1764763200;
const ana = { pn: '5531911110001@s.whatsapp.net', lid: '100000000000001@lid', name: 'Ana' };
const bruno = { pn: '5531911110002@s.whatsapp.net', lid: '100000000000002@lid', name: 'Bruno' };
const carla = { pn: '5531911110003@s.whatsapp.net', lid: '100000000000003@lid', name: 'Carla' };
const group = '120363000000000001@g.us';

const text = (remoteJid, id, fromMe, ts, body, extra = {}) => ({
  message: {
    key: { remoteJid, fromMe, id, ...(extra.participant ? { participant: extra.participant } : {}) },
    message: { conversation: body },
    messageTimestamp: ts,
    status: fromMe ? proto.WebMessageInfo.Status.READ : proto.WebMessageInfo.Status.DELIVERY_ACK,
    ...(extra.pushName ? { pushName: extra.pushName } : {}),
    ...(extra.participant ? { participant: extra.participant } : {}),
  },
  msgOrderId: ts,
});

const image = {
  message: {
    key: { remoteJid: bruno.pn, fromMe: false, id: 'HIST0000000000000000000000000B02' },
    message: {
      imageMessage: {
        url: 'https://mmg.whatsapp.net/v/t62.7118-24/hist-image.enc',
        directPath: '/v/t62.7118-24/hist-image.enc?ccb=11-4',
        mimetype: 'image/jpeg',
        caption: 'beach',
        fileSha256: Buffer.alloc(32, 1),
        fileEncSha256: Buffer.alloc(32, 2),
        mediaKey: Buffer.alloc(32, 3),
        fileLength: 12345,
        height: 640,
        width: 480,
        mediaKeyTimestamp: t0 + 20,
      },
    },
    messageTimestamp: t0 + 20,
    status: proto.WebMessageInfo.Status.DELIVERY_ACK,
    pushName: bruno.name,
  },
  msgOrderId: t0 + 20,
};

const bootstrap = {
  syncType: proto.HistorySync.HistorySyncType.INITIAL_BOOTSTRAP,
  chunkOrder: 0,
  progress: 40,
  conversations: [
    {
      id: ana.pn, lidJid: ana.lid, name: ana.name, unreadCount: 2, conversationTimestamp: t0 + 11,
      messages: [
        text(ana.pn, 'HIST0000000000000000000000000A03', false, t0 + 11, 'see you tomorrow', { pushName: ana.name }),
        text(ana.pn, 'HIST0000000000000000000000000A02', true, t0 + 10, 'dinner?'),
        text(ana.pn, 'HIST0000000000000000000000000A01', false, t0 + 9, 'hi there', { pushName: ana.name }),
      ],
    },
    {
      // a chat named by its LID, with the phone number beside it
      id: bruno.lid, pnJid: bruno.pn, displayName: bruno.name, unreadCount: 0, conversationTimestamp: t0 + 20,
      messages: [image, text(bruno.lid, 'HIST0000000000000000000000000B01', true, t0 + 19, 'send me the photo')],
    },
    {
      id: group, name: 'Family', unreadCount: 1, conversationTimestamp: t0 + 30,
      messages: [
        text(group, 'HIST0000000000000000000000000G02', false, t0 + 30, 'welcome!', { participant: carla.pn, pushName: carla.name }),
        text(group, 'HIST0000000000000000000000000G01', true, t0 + 29, 'hello family'),
      ],
    },
  ],
  phoneNumberToLidMappings: [
    { pnJid: ana.pn, lidJid: ana.lid },
    { pnJid: carla.pn, lidJid: carla.lid },
  ],
};

const recent = {
  syncType: proto.HistorySync.HistorySyncType.RECENT,
  chunkOrder: 1,
  progress: 80,
  conversations: [
    {
      id: carla.pn, name: carla.name, unreadCount: 0, conversationTimestamp: t0 + 40,
      messages: [text(carla.pn, 'HIST0000000000000000000000000C01', false, t0 + 40, 'long time no see', { pushName: carla.name })],
    },
  ],
};

const pushNames = {
  syncType: proto.HistorySync.HistorySyncType.PUSH_NAME,
  chunkOrder: 2,
  progress: 100,
  pushnames: [
    { id: ana.pn, pushname: 'Ana Souza' },
    { id: bruno.pn, pushname: 'Bruno' },
    { id: '5531911110004@s.whatsapp.net', pushname: 'Diego' },
  ],
};

const chunks = [];
for (const spec of [bootstrap, recent, pushNames]) {
  const history = proto.HistorySync.fromObject(spec);
  const plain = proto.HistorySync.encode(history).finish();
  const deflated = deflateSync(plain);
  const enc = await encryptedStream(deflated, 'md-msg-hist');
  const body = await readFile(enc.encFilePath);
  await unlink(enc.encFilePath);
  // round trip through Baileys' own key derivation and node's inflate
  const { cipherKey, iv } = await getMediaKeys(enc.mediaKey, 'md-msg-hist');
  const decipher = createDecipheriv('aes-256-cbc', cipherKey, iv);
  const back = proto.HistorySync.decode(inflateSync(Buffer.concat([decipher.update(body.subarray(0, -10)), decipher.final()])));
  if (JSON.stringify(back.toJSON()) !== JSON.stringify(history.toJSON())) throw new Error('round trip differs');
  chunks.push({
    syncType: spec.syncType,
    chunkOrder: spec.chunkOrder,
    progress: spec.progress,
    mediaKey: Buffer.from(enc.mediaKey).toString('base64'),
    fileSha256: Buffer.from(enc.fileSha256).toString('base64'),
    fileEncSha256: Buffer.from(enc.fileEncSha256).toString('base64'),
    fileLength: enc.fileLength,
    encrypted: body.toString('base64'),
    history: history.toJSON(),
  });
}
process.stdout.write(JSON.stringify({ source: 'tests/interop/history-blob.mjs (Baileys 7 proto.HistorySync.encode + zlib deflate + encryptedStream md-msg-hist)', ownPhone: own, chunks }, null, 1) + '\n');
