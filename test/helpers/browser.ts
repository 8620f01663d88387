import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { DEMO_PASSWORD } from './stack.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
  '--allow-loopback-in-peer-connection',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/**
 * Test-only instrumentation: remember every RTCPeerConnection the page creates so the test can
 * read real WebRTC stats. The product code has no such hook.
 */
const RECORD_PEER_CONNECTIONS = `
(() => {
  const Native = window.RTCPeerConnection;
  const list = [];
  Object.defineProperty(window, '__testPeerConnections', { value: list });
  window.RTCPeerConnection = function (...args) { const pc = new Native(...args); list.push(pc); return pc; };
  window.RTCPeerConnection.prototype = Native.prototype;
  Object.setPrototypeOf(window.RTCPeerConnection, Native);
})();
`;

const CLIP_DIR = path.resolve(import.meta.dirname, '../../var/test-media');

/** A small looping camera clip (320×240, 15 fps) so that many browsers fit on two cores. */
async function lowResClip(): Promise<string> {
  const file = path.join(CLIP_DIR, 'camera-320x240.y4m');
  if (!existsSync(file)) {
    await mkdir(CLIP_DIR, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp.y4m`;
    await promisify(execFile)('ffmpeg', ['-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=15', '-t', '4', '-pix_fmt', 'yuv420p', tmp]);
    await rename(tmp, file);
  }
  return file;
}

export interface VenueBrowser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export async function launchVenue(baseUrl: string, options: { lang?: string; lowRes?: boolean } = {}): Promise<VenueBrowser> {
  const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'yilian-chromium-'));
  const extra = options.lowRes ? [`--use-file-for-fake-video-capture=${await lowResClip()}`] : [];
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, ...extra],
    locale: options.lang ?? 'zh-CN',
    viewport: { width: 1280, height: 800 },
  });
  await context.grantPermissions(['camera', 'microphone'], { origin: baseUrl });
  await context.addInitScript(RECORD_PEER_CONNECTIONS);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Logs in through the console UI. */
export async function loginThroughUi(page: Page, baseUrl: string, username: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto(baseUrl);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('current-user').waitFor({ timeout: 15_000 });
}

export async function joinThroughUi(page: Page, meetingId: string): Promise<void> {
  await page.getByTestId(`join-${meetingId}`).click();
  await page.locator('[data-testid="meeting-page"][data-status="joined"]').waitFor({ timeout: 20_000 });
}

export interface TileMedia {
  present: boolean;
  videoWidth: number;
  framesDecoded: number;
  videoBytes: number;
  audioBytes: number;
  trackIds: string[];
  /** The track the tile's <video> plays (counters of another track are not comparable). */
  videoTrackId: string | null;
}

/** Real inbound-rtp stats for the tracks shown in a venue's tile on this page. */
export async function tileMedia(page: Page, venueId: string): Promise<TileMedia> {
  return page.evaluate(async (id) => {
    const video = document.querySelector<HTMLVideoElement>(`[data-testid="tile-${id}"] video`);
    const audio = document.querySelector<HTMLAudioElement>(`[data-testid="audio-${id}"]`);
    const result = {
      present: Boolean(video),
      videoWidth: video?.videoWidth ?? 0,
      framesDecoded: 0,
      videoBytes: 0,
      audioBytes: 0,
      trackIds: [] as string[],
      videoTrackId: video?.srcObject instanceof MediaStream ? (video.srcObject.getVideoTracks()[0]?.id ?? null) : null,
    };
    const tracks = [video, audio].flatMap((el) => (el?.srcObject instanceof MediaStream ? el.srcObject.getTracks() : []));
    const ids = new Set(tracks.map((t) => t.id));
    result.trackIds = [...ids];
    const pcs = (window as unknown as { __testPeerConnections: RTCPeerConnection[] }).__testPeerConnections;
    for (const pc of pcs) {
      if (pc.connectionState === 'closed') continue;
      const stats = await pc.getStats();
      stats.forEach((s: Record<string, unknown>) => {
        if (s.type !== 'inbound-rtp' || !s.codecId || !ids.has(String(s.trackIdentifier))) return;
        if (s.kind === 'video') {
          result.framesDecoded += Number(s.framesDecoded ?? 0);
          result.videoBytes += Number(s.bytesReceived ?? 0);
        } else {
          result.audioBytes += Number(s.bytesReceived ?? 0);
        }
      });
    }
    return result;
  }, venueId);
}

/**
 * Whose camera a programme pane plays: the contributing source (RFC 3550 CSRC) most recently seen
 * on the pane's video receiver, which the SFU's programme relay sets to the source camera's SSRC.
 */
export async function programmeSource(page: Page, venueId: string): Promise<number | null> {
  return page.evaluate((id) => {
    const video = document.querySelector<HTMLVideoElement>(`[data-testid="tile-${id}"][data-programme="true"] video`);
    const track = video?.srcObject instanceof MediaStream ? video.srcObject.getVideoTracks()[0] : undefined;
    if (!track) return null;
    const pcs = (window as unknown as { __testPeerConnections: RTCPeerConnection[] }).__testPeerConnections;
    for (const pc of pcs) {
      const receiver = pc.getReceivers().find((r) => r.track.id === track.id);
      if (!receiver) continue;
      const sources = receiver.getContributingSources().sort((a, b) => b.timestamp - a.timestamp);
      return sources[0]?.source ?? null;
    }
    return null;
  }, venueId);
}

/** The SSRCs a page's camera sends (each simulcast layer), from its outbound-rtp stats. */
export async function cameraSsrcs(page: Page): Promise<number[]> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __testPeerConnections: RTCPeerConnection[] }).__testPeerConnections;
    const ssrcs: number[] = [];
    for (const pc of pcs) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((s: Record<string, unknown>) => {
        if (s.type === 'outbound-rtp' && s.kind === 'video') ssrcs.push(Number(s.ssrc));
      });
    }
    return ssrcs;
  });
}

const sameTracks = (a: TileMedia, b: TileMedia) => a.trackIds.length === b.trackIds.length && a.trackIds.every((id) => b.trackIds.includes(id));

/**
 * Waits until the page decodes a venue's video (frames rising, width > 0) and receives its audio
 * (bytes rising). Returns the time it took.
 */
export async function waitForLiveMedia(page: Page, venueId: string, timeoutMs = 20_000): Promise<number> {
  const started = Date.now();
  let first: TileMedia | undefined;
  let last: TileMedia | undefined;
  while (Date.now() - started < timeoutMs) {
    last = await tileMedia(page, venueId);
    if (last.present && last.framesDecoded > 0 && last.audioBytes > 0) {
      // A tile that now plays other tracks (a new consumer) starts counting afresh.
      if (!first || !sameTracks(first, last)) first = last;
      else if (last.framesDecoded > first.framesDecoded && last.audioBytes > first.audioBytes && last.videoWidth > 0) {
        return Date.now() - started;
      }
    } else {
      first = undefined;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no live media from ${venueId} within ${timeoutMs} ms: ${JSON.stringify(last)}`);
}

/** Waits until the page decodes a venue's video (frames rising, width > 0), whatever its audio does. */
export async function waitForVideo(page: Page, venueId: string, timeoutMs = 15_000): Promise<void> {
  const started = Date.now();
  let first: TileMedia | undefined;
  let last: TileMedia | undefined;
  while (Date.now() - started < timeoutMs) {
    last = await tileMedia(page, venueId);
    // Frames are counted per track: when the tile changes track (a paused camera giving way to
    // the programme stream), the new track's count starts from zero and is compared with itself.
    if (!first || first.videoTrackId !== last.videoTrackId || first.framesDecoded === 0) first = last;
    else if (last.framesDecoded > first.framesDecoded && last.videoWidth > 0) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no video decoded from ${venueId} within ${timeoutMs} ms: ${JSON.stringify(last)}`);
}
