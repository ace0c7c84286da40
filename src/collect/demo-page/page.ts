/**
 * The demo site's page: a real <video> wired to api.video's player analytics module, unmodified,
 * whose pings go to the demo's collector (another origin, as on a real site).
 *
 * The wiring is what a site does for a player the module has no plugin for: `ready` once the
 * video can play, `play` the first time it plays and `resume` after a pause, `seek(from, to)` on
 * every seek, `pause`, and `end`; `updateTime` keeps the module's position current.
 */
import { PlayerAnalytics } from '@api.video/player-analytics';

interface Config {
  pingUrl: string;
  videoId: string;
}

const config = JSON.parse(document.getElementById('config')!.textContent!) as Config;
const video = document.querySelector('video')!;
const status = document.getElementById('status')!;
const log = document.getElementById('log')!;
const html = document.documentElement;
html.dataset.pings = '0';

const line = (text: string) => {
  const li = document.createElement('li');
  li.textContent = `${new Date().toISOString().slice(11, 19)} ${text}`;
  log.prepend(li);
};

const analytics = new PlayerAnalytics({
  pingUrl: config.pingUrl,
  videoId: config.videoId,
  videoType: 'vod',
  onSessionIdReceived: (id) => {
    html.dataset.session = id;
    status.textContent = `session ${id} — open the dashboard: it appears within seconds`;
  },
  onPing: (ping) => {
    html.dataset.pings = String(Number(html.dataset.pings) + 1);
    const events = ping.events.map((e) => e.type).join(', ') || 'no new event';
    line(`ping: ${events}`);
  },
});

let started = false;
let readySent = false;
/** Where the video was before a seek: the last position seen while not seeking. */
let position = 0;
const now = () => analytics.updateTime(video.currentTime);

const ready = () => {
  if (readySent) return;
  readySent = true;
  void analytics.ready();
};
video.addEventListener('loadedmetadata', ready);
if (video.readyState >= 1) ready();

video.addEventListener('play', () => {
  void now();
  void (started ? analytics.resume() : analytics.play());
  started = true;
});
video.addEventListener('pause', () => {
  // At the end a media element pauses, then ends: `end` says it.
  if (video.ended) return;
  void now();
  void analytics.pause();
});
video.addEventListener('seeking', () => {
  void analytics.seek(position, video.currentTime);
  position = video.currentTime;
  void now();
});
video.addEventListener('timeupdate', () => {
  if (video.seeking) return;
  position = video.currentTime;
  void now();
});
video.addEventListener('ended', () => {
  void now();
  void analytics.end();
  started = false;
});
window.addEventListener('pagehide', () => void analytics.destroy());
