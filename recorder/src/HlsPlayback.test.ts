import { createReadStream } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS } from '../../test/helpers/browser.ts';
import type { RecorderConfig } from './config.ts';
import { PortAllocator } from './PortAllocator.ts';
import { Recording } from './Recording.ts';
import { MemoryRecordingStore } from './RecordingStore.ts';
import { COLOURS, startMedia, testConfig, waitFor, type Media } from './testing/harness.ts';
import { RtpSource } from './testing/RtpSource.ts';
import { TestSource } from './testing/TestSource.ts';

const HLS_JS = path.resolve(import.meta.dirname, '../../node_modules/hls.js/dist/hls.min.js');
const PAGE = `<!doctype html><video id="v" muted playsinline></video><script src="/hls.min.js"></script>`;

interface PlayerState {
  currentTime: number;
  edge: number;
  live: boolean;
  latency: number | null;
}

describe('the recording played in Chromium with hls.js', () => {
  let media: Media;
  let config: RecorderConfig;
  let cleanUp: () => Promise<void>;
  let venue: RtpSource;
  let recording: Recording;
  let server: http.Server;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    media = await startMedia();
    ({ config, cleanUp } = await testConfig());
    venue = await RtpSource.create({ router: media.router, colour: COLOURS.green, width: 320, height: 240, gop: 10 });
    const source = new TestSource({ kind: '1', panes: [venue.video.id] }, [{ producerId: venue.audio!.id, audible: true }]);
    const ports = new PortAllocator({ ip: '127.0.0.1', min: 64000, max: 64999 });
    recording = await Recording.create({ id: 'play', meetingId: 'm-play', source, createTap: media.createTap, store: new MemoryRecordingStore(), config, ports });
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const name = path.basename(url.pathname);
      const file = url.pathname === '/hls.min.js' ? HLS_JS : url.pathname.startsWith('/rec/') ? path.join(recording.dir, name) : null;
      if (url.pathname === '/') {
        res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
      } else if (file) {
        const type = name.endsWith('.m3u8') ? 'application/vnd.apple.mpegurl' : name.endsWith('.ts') ? 'video/mp2t' : 'text/javascript';
        createReadStream(file)
          .on('error', () => res.writeHead(404).end())
          .once('open', () => res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }))
          .pipe(res);
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => server?.close(r));
    await recording?.close();
    await venue?.close();
    await media?.close();
    await cleanUp?.();
  });

  /** Loads the playlist in a fresh page and returns the player's state once it plays. */
  async function play(): Promise<PlayerState> {
    const page = await browser.newPage();
    await page.goto(base);
    return page.evaluate(async () => {
      const HlsClass = (window as unknown as { Hls: new () => HlsLike }).Hls;
      interface HlsLike {
        loadSource(url: string): void;
        attachMedia(el: HTMLVideoElement): void;
        latency: number;
        levels: { details?: { edge: number; live: boolean } }[];
      }
      const video = document.getElementById('v') as HTMLVideoElement;
      const hls = new HlsClass();
      hls.loadSource('/rec/index.m3u8');
      hls.attachMedia(video);
      await video.play();
      const started = performance.now();
      while (video.currentTime === 0 || video.paused) {
        if (performance.now() - started > 15_000) throw new Error('hls.js did not start playing');
        await new Promise((r) => setTimeout(r, 50));
      }
      const details = hls.levels[0]?.details;
      return { currentTime: video.currentTime, edge: details?.edge ?? NaN, live: details?.live ?? false, latency: details?.live ? hls.latency : null };
    });
  }

  it('starts a live recording near its live edge, and a finished one from its beginning', async () => {
    await waitFor('ten seconds of recording', () => recording.info.segments >= 10, 20_000);
    const live = await play();
    expect(live.live).toBe(true);
    expect(live.edge).toBeGreaterThan(9);
    // Near the live edge (EXT-X-START -2 s), nowhere near the beginning.
    expect(live.edge - live.currentTime).toBeLessThan(4);
    expect(live.latency).toBeLessThan(5);

    await recording.stop();
    const finished = await play();
    expect(finished.live).toBe(false);
    expect(finished.currentTime).toBeLessThan(2);
  });
});
