import { execFile } from 'node:child_process';
import http from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaSigner } from '../signaling/src/recordings/MediaSigner.ts';
import { api, login, startStack, type Stack } from './helpers/stack.ts';
import { joinThroughUi, launchVenue, loginThroughUi, waitForLiveMedia, type VenueBrowser } from './helpers/browser.ts';

const run = promisify(execFile);

interface Access {
  playlistUrl: string;
  mp4Url: string | null;
  live: boolean;
}

async function ffprobe(file: string): Promise<{ codecs: string[]; duration: number }> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name:format=duration', '-of', 'json', file]);
  const json = JSON.parse(stdout) as { streams: { codec_name: string }[]; format: { duration: string } };
  return { codecs: json.streams.map((s) => s.codec_name).sort(), duration: Number(json.format.duration) };
}

/** A raw GET whose path is sent exactly as written (no ../ normalisation by the client). */
function rawGet(baseUrl: string, rawPath: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, path: rawPath, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('recording a meeting, live and on demand', () => {
  let stack: Stack;
  let tmp: string;
  const browsers: VenueBrowser[] = [];
  let recordingId = '';
  let access: Access;
  let adminToken: string;

  beforeAll(async () => {
    stack = await startStack();
    tmp = await mkdtemp(path.join(os.tmpdir(), 'yilian-rec-test-'));
    adminToken = (await login(stack.baseUrl, 'admin')).token;
  });

  afterAll(async () => {
    for (const b of browsers) await b.close();
    await stack?.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it('records a two-venue meeting that a third page watches live with hls.js, then plays on demand', async () => {
    const chair = await login(stack.baseUrl, 'chair');
    const meetingId = (
      await api<{ meeting: { id: string } }>(stack.baseUrl, chair.token, 'POST', '/api/meetings', { title: '录像测试会议', invitedVenueIds: ['tw01'] })
    ).body.meeting.id;
    const [hall, township, viewer] = await Promise.all([0, 1, 2].map(() => launchVenue(stack.baseUrl, { lowRes: true })));
    browsers.push(hall!, township!, viewer!);
    await loginThroughUi(hall!.page, stack.baseUrl, 'chair');
    await loginThroughUi(township!.page, stack.baseUrl, 'tw01');
    await joinThroughUi(hall!.page, meetingId);
    await joinThroughUi(township!.page, meetingId);
    await waitForLiveMedia(hall!.page, 'tw01');

    await hall!.page.getByTestId('recording-toggle').click();
    await township!.page.getByTestId('recording-indicator').waitFor({ timeout: 10_000 });
    await hall!.page.getByTestId('recording-indicator').waitFor();

    // A third page (the administrator's console) watches it live.
    await loginThroughUi(viewer!.page, stack.baseUrl, 'admin');
    await viewer!.page.getByTestId('tab-recordings').click();
    const row = viewer!.page.locator('[data-testid^="recording-"][data-status="recording"]').first();
    await row.waitFor({ timeout: 15_000 });
    recordingId = (await row.getAttribute('data-testid'))!.replace('recording-', '');
    await viewer!.page.getByTestId(`recording-play-${recordingId}`).click();
    const player = viewer!.page.getByTestId('hls-player');
    const sample = () =>
      player.evaluate((v: HTMLVideoElement) => ({
        time: v.currentTime,
        frames: v.getVideoPlaybackQuality().totalVideoFrames,
        audioBytes: (v as HTMLVideoElement & { webkitAudioDecodedByteCount?: number }).webkitAudioDecodedByteCount ?? 0,
        width: v.videoWidth,
      }));
    // What the player was doing, for a failure message.
    const playerState = () =>
      player.evaluate((v: HTMLVideoElement) => ({
        state: v.dataset.state,
        error: v.dataset.error,
        readyState: v.readyState,
        paused: v.paused,
        time: v.currentTime,
        buffered: Array.from({ length: v.buffered.length }, (_, i) => [v.buffered.start(i), v.buffered.end(i)]),
      }));
    await expect
      .poll(async () => (await sample()).frames, { timeout: 20_000 })
      .toBeGreaterThan(10)
      .catch(async (error: Error) => {
        throw new Error(`${error.message}; the player: ${JSON.stringify(await playerState())}`);
      });
    const a = await sample();
    await new Promise((r) => setTimeout(r, 2000));
    const b = await sample();
    expect(b.time).toBeGreaterThan(a.time + 1);
    expect(b.frames).toBeGreaterThan(a.frames);
    expect(b.audioBytes).toBeGreaterThan(a.audioBytes);
    expect(b.width).toBe(1280);

    await new Promise((r) => setTimeout(r, 4000));
    await hall!.page.getByTestId('recording-toggle').click();
    await township!.page.getByTestId('recording-indicator').waitFor({ state: 'detached', timeout: 15_000 });
    await expect
      .poll(async () => (await api<{ recordings: { id: string; status: string }[] }>(stack.baseUrl, adminToken, 'GET', '/api/recordings')).body.recordings[0]?.status, { timeout: 20_000 })
      .toBe('finished');

    const { body: info } = await api<{ recordings: { id: string; startedAt: string; endedAt: string; durationS: number }[] }>(
      stack.baseUrl, adminToken, 'GET', '/api/recordings');
    const rec = info.recordings.find((r) => r.id === recordingId)!;
    access = (await api<Access>(stack.baseUrl, adminToken, 'GET', `/api/recordings/${recordingId}/access`)).body;
    expect(access.live).toBe(false);
    const playlist = await (await fetch(`${stack.baseUrl}${access.playlistUrl}`)).text();
    expect(playlist).toContain('#EXT-X-ENDLIST');
    const listed = [...playlist.matchAll(/#EXTINF:([\d.]+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
    const recordedS = (Date.parse(rec.endedAt) - Date.parse(rec.startedAt)) / 1000;
    expect(Math.abs(listed - recordedS), `playlist lists ${listed} s, recorded ${recordedS} s (${rec.startedAt} – ${rec.endedAt}), info says ${rec.durationS} s`).toBeLessThanOrEqual(1);

    // The first segment and the MP4 download: H.264 + AAC, and the MP4 decodes to the end.
    const firstSegment = playlist.split('\n').find((l) => l.endsWith('.ts'))!;
    const segFile = path.join(tmp, 'first.ts');
    const base = access.playlistUrl.slice(0, access.playlistUrl.lastIndexOf('/') + 1);
    await writeFile(segFile, Buffer.from(await (await fetch(`${stack.baseUrl}${base}${firstSegment}`)).arrayBuffer()));
    expect((await ffprobe(segFile)).codecs).toEqual(['aac', 'h264']);
    const mp4 = await fetch(`${stack.baseUrl}${access.mp4Url}?download=1`);
    expect(mp4.headers.get('content-disposition')).toContain('attachment');
    const mp4File = path.join(tmp, 'meeting.mp4');
    await writeFile(mp4File, Buffer.from(await mp4.arrayBuffer()));
    const probed = await ffprobe(mp4File);
    expect(probed.codecs).toEqual(['aac', 'h264']);
    expect(Math.abs(probed.duration - recordedS)).toBeLessThanOrEqual(1.5);
    await run('ffmpeg', ['-v', 'error', '-i', mp4File, '-f', 'null', '-']);

    // On demand in the console: plays from the start and seeks.
    await viewer!.page.reload();
    await viewer!.page.getByTestId('tab-recordings').click();
    await viewer!.page.getByTestId(`recording-play-${recordingId}`).click();
    await expect.poll(async () => (await sample()).frames, { timeout: 15_000 }).toBeGreaterThan(5);
    await player.evaluate((v: HTMLVideoElement) => (v.currentTime = 5));
    await expect.poll(async () => (await sample()).time, { timeout: 10_000 }).toBeGreaterThan(5);
  });

  it('serves recordings only through valid, unexpired signed links, without escaping the folder', async () => {
    const playlist = access.playlistUrl;
    expect((await fetch(`${stack.baseUrl}${playlist}`)).status).toBe(200);
    const [, , , id, expires, signature, file] = playlist.split('/');
    expect((await fetch(`${stack.baseUrl}/media/recordings/${id}/${expires}/${'A'.repeat(signature!.length)}/${file}`)).status).toBe(403);
    expect((await fetch(`${stack.baseUrl}/media/recordings/${id}/${Number(expires) + 60}/${signature}/${file}`)).status).toBe(403);
    const signer = await MediaSigner.create(stack.server.redis);
    const expired = signer.basePath(recordingId, -5);
    expect((await fetch(`${stack.baseUrl}${expired}${file}`)).status).toBe(403);

    // Signed links are handed out only to users who may see the meeting.
    expect((await fetch(`${stack.baseUrl}/api/recordings/${recordingId}/access`)).status).toBe(401);
    const outsider = await login(stack.baseUrl, 'tw09');
    expect((await api(stack.baseUrl, outsider.token, 'GET', `/api/recordings/${recordingId}/access`)).status).toBe(404);
    const tw01 = await login(stack.baseUrl, 'tw01');
    expect((await api(stack.baseUrl, tw01.token, 'GET', `/api/recordings/${recordingId}/access`)).status).toBe(200);

    const base = `/media/recordings/${id}/${expires}/${signature}/`;
    const encoded = await rawGet(stack.baseUrl, `${base}..%2F..%2F..%2Fpackage.json`);
    expect(encoded.status).toBe(400);
    const raw = await rawGet(stack.baseUrl, `${base}../../../../package.json`);
    expect([400, 404]).toContain(raw.status);
    expect(raw.body).not.toContain('"name": "yilian"');

    // Range requests work on the MP4.
    const ranged = await fetch(`${stack.baseUrl}${access.mp4Url}`, { headers: { range: 'bytes=0-99' } });
    expect(ranged.status).toBe(206);
    expect((await ranged.arrayBuffer()).byteLength).toBe(100);
  });
});
