/**
 * The collector bench's load generator, in its own process (so its work is not the collector's):
 * many simulated players, each a page load pinging as @api.video/player-analytics does — a first
 * ping without a session id, then pings with one, each carrying the events since the last — sent
 * open-loop at a fixed rate over undici keep-alive connections, each from its own client address
 * (X-Forwarded-For; the collector runs with --trust-proxy).
 *
 *   node --import tsx bench/collect-load.ts URL RATE SECONDS PLAYERS
 *
 * Prints one JSON line: pings sent, answered 2xx, failed, latencies (ms), and how often it fell
 * behind (no idle player to send from).
 */
import { Pool } from 'undici';

const [url, rateArg, secondsArg, playersArg] = process.argv.slice(2);
const rate = Number(rateArg ?? 2000);
const seconds = Number(secondsArg ?? 30);
const playerCount = Number(playersArg ?? 1000);

const pool = new Pool(url!, { connections: 64, pipelining: 1, keepAliveTimeout: 60_000 });
const UAS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0',
];

interface Player {
  busy: boolean;
  loadedAt: number;
  sid: string | undefined;
  position: number;
  pings: number;
  ip: string;
  ua: string;
  video: string;
}

let seed = 7;
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};
const publicIp = () =>
  `${[23, 31, 45, 62, 81, 89, 101, 151, 176, 190, 203][Math.floor(random() * 11)]}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.${1 + Math.floor(random() * 250)}`;

const newPlayer = (p?: Player): Player => {
  const player = p ?? ({} as Player);
  player.busy = false;
  player.loadedAt = Date.now();
  player.sid = undefined;
  player.position = 0;
  player.pings = 0;
  player.ip = publicIp();
  player.ua = UAS[Math.floor(random() * UAS.length)]!;
  player.video = `viBench${Math.floor(random() * 200)}`;
  return player;
};
const players = Array.from({ length: playerCount }, () => newPlayer());

const latencies: number[] = [];
let sent = 0;
let ok = 0;
let failed = 0;
let behind = 0;

function body(p: Player): string {
  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  let events: object[];
  if (p.pings === 0) events = [{ type: 'ready', emitted_at: iso(now), at: 0 }];
  else if (p.pings === 1) events = [{ type: 'play', emitted_at: iso(now), at: 0 }];
  else if (p.pings >= 20) events = [{ type: 'end', emitted_at: iso(now), at: p.position }];
  else {
    const from = p.position;
    p.position += 10;
    events =
      p.pings % 5 === 0
        ? [
            { type: 'seek.forward', emitted_at: iso(now - 1), from, to: from + 5 },
            { type: 'pause', emitted_at: iso(now), at: from + 5 },
            { type: 'resume', emitted_at: iso(now), at: from + 5 },
          ]
        : [{ type: p.pings % 2 ? 'pause' : 'resume', emitted_at: iso(now), at: p.position }];
  }
  return JSON.stringify({
    emitted_at: iso(now),
    session: {
      loaded_at: iso(p.loadedAt),
      referrer: 'https://www.google.com/',
      metadata: [],
      ...(p.sid && { session_id: p.sid }),
      video_id: p.video,
    },
    events,
  });
}

async function send(p: Player): Promise<void> {
  p.busy = true;
  sent++;
  const started = performance.now();
  try {
    const r = await pool.request({
      path: '/vod',
      method: 'POST',
      body: body(p),
      headers: { 'user-agent': p.ua, 'x-forwarded-for': p.ip, origin: 'https://bench.example' },
    });
    const answer = (await r.body.json()) as { session?: string };
    latencies.push(performance.now() - started);
    if (r.statusCode === 200 && answer.session) {
      ok++;
      p.sid = answer.session;
      p.pings++;
      if (p.pings > 20) newPlayer(p);
    } else failed++;
  } catch {
    failed++;
  } finally {
    p.busy = false;
  }
}

let next = 0;
const started = Date.now();
const tickMs = 5;
let due = 0;
await new Promise<void>((resolve) => {
  const timer = setInterval(() => {
    const elapsed = Date.now() - started;
    if (elapsed >= seconds * 1000) {
      clearInterval(timer);
      resolve();
      return;
    }
    const target = Math.floor((elapsed / 1000) * rate);
    due = target - sent;
    for (let i = 0; i < due; i++) {
      let tries = 0;
      while (players[next]!.busy && tries < players.length) {
        next = (next + 1) % players.length;
        tries++;
      }
      if (tries >= players.length) {
        behind++;
        break;
      }
      void send(players[next]!);
      next = (next + 1) % players.length;
    }
  }, tickMs);
});
const wallS = (Date.now() - started) / 1000;
// Let the last answers come back.
for (let i = 0; i < 100 && players.some((p) => p.busy); i++)
  await new Promise((r) => setTimeout(r, 50));
latencies.sort((a, b) => a - b);
const q = (f: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * f))] ?? 0;
console.log(
  JSON.stringify({
    sent,
    ok,
    failed,
    behind,
    seconds: wallS,
    p50: q(0.5),
    p99: q(0.99),
    max: latencies.at(-1) ?? 0,
    over100: latencies.filter((l) => l > 100).length,
    over500: latencies.filter((l) => l > 500).length,
  }),
);
await pool.close();
