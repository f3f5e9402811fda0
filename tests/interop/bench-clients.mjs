// Runs K unmodified Baileys clients in ONE Node process, the way a Baileys user hosts many sessions,
// for the instance bench (bench/CodeChat.InstanceBench). Each client keeps its auth state in its own
// folder through Baileys' useMultiFileAuthState (what Baileys' README shows users), so a restarted
// process reconnects with the saved credentials instead of a new QR.
//
// Protocol: line-delimited JSON.
//   stdout (events): {"event":"ready","clients"} once loaded (and, with --start now, every socket started),
//                    {"event":"qr","client","qr"} (the harness hands it to the emulator's phone),
//                    {"event":"open","client"}, {"event":"reconnect","client","code"} (closed, connecting again),
//                    {"event":"close","client","code"} (logged out: not restarted),
//                    {"event":"heap","heapUsed","rss"} after {"cmd":"gc"} (needs node --expose-gc).
//   stdin (commands): {"cmd":"start","client"} (with --start on-command: link one client from scratch),
//                     {"cmd":"gc"}.
// Everything else goes to stderr.
//
// Configuration: --url ws://127.0.0.1:PORT/ws/chat  --root-key <64 hex>  --auth-dir <folder>
//                --first <index>  --count <K>  [--start now|on-command]  [--keepalive-ms 30000]
// "now" starts all K clients at once (a restarted process with saved credentials); "on-command" waits
// for a start per client, so the harness keeps a bounded number of linkings in flight.
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import pino from 'pino';
import makeWASocket, { Browsers, DisconnectReason, WA_CERT_DETAILS, useMultiFileAuthState } from 'baileys';

const writeLine = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');
for (const level of ['log', 'info', 'warn', 'debug', 'trace']) {
    console[level] = (...args) => process.stderr.write(args.map(String).join(' ') + '\n');
}

const args = {};
for (let i = 2; i + 1 < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const first = Number(args.first ?? 0);
const count = Number(args.count ?? 0);
const keepAliveIntervalMs = Number(args['keepalive-ms'] ?? 30000);
if (!args.url || !args['auth-dir'] || !Number.isInteger(first) || !Number.isInteger(count)) {
    process.stderr.write('usage: bench-clients.mjs --url <ws url> --auth-dir <folder> --first N --count K [--root-key hex]\n');
    process.exit(2);
}
if (args['root-key']) WA_CERT_DETAILS.PUBLIC_KEY = Buffer.from(args['root-key'], 'hex');

const logger = pino({ level: 'silent' });

async function startClient(index) {
    const { state, saveCreds } = await useMultiFileAuthState(join(args['auth-dir'], String(index)));
    const connect = () => {
        const socket = makeWASocket({
            waWebSocketUrl: args.url,
            auth: state,
            logger,
            browser: Browsers.ubuntu('Chrome'),
            keepAliveIntervalMs,
            markOnlineOnConnect: false,
            shouldSyncHistoryMessage: () => false,
            generateHighQualityLinkPreview: false,
        });
        socket.ev.on('creds.update', saveCreds);
        socket.ev.on('connection.update', (update) => {
            if (update.qr) writeLine({ event: 'qr', client: index, qr: update.qr });
            if (update.connection === 'open') writeLine({ event: 'open', client: index });
            if (update.connection === 'close') {
                const code = update.lastDisconnect?.error?.output?.statusCode ?? null;
                // Baileys never reconnects by itself; its README's loop reconnects on every close but a
                // logout (515 after pairing, a connect timeout on a busy machine, a dropped socket).
                if (code === DisconnectReason.loggedOut) writeLine({ event: 'close', client: index, code });
                else {
                    if (code !== DisconnectReason.restartRequired) writeLine({ event: 'reconnect', client: index, code });
                    connect();
                }
            }
        });
    };
    connect();
}

if ((args.start ?? 'now') === 'now') {
    for (let i = first; i < first + count; i++) await startClient(i);
}
writeLine({ event: 'ready', clients: count });

createInterface({ input: process.stdin }).on('line', (line) => {
    let command;
    try {
        command = JSON.parse(line);
    } catch {
        return;
    }
    if (command.cmd === 'start' && Number.isInteger(command.client) && command.client >= first && command.client < first + count) {
        startClient(command.client).catch((err) => process.stderr.write(`client ${command.client}: ${err?.stack ?? err}\n`));
    } else if (command.cmd === 'gc') {
        global.gc?.();
        const usage = process.memoryUsage();
        writeLine({ event: 'heap', heapUsed: usage.heapUsed, rss: usage.rss, gc: typeof global.gc === 'function' });
    }
});
