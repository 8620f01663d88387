import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RecorderConfig } from './config.ts';
import { parsePlaylist } from './HlsPlaylist.ts';
import { paneRects } from './layouts.ts';
import { PortAllocator } from './PortAllocator.ts';
import { Recording } from './Recording.ts';
import { MemoryRecordingStore } from './RecordingStore.ts';
import { COLOURS, sleep, startMedia, testConfig, waitFor, type Media } from './testing/harness.ts';
import { boxX, frameAt, isAlive, largestGap, packetTimes, probe, sha256 } from './testing/probe.ts';
import { RtpSource } from './testing/RtpSource.ts';
import { TestSource } from './testing/TestSource.ts';

describe('Recording when ffmpeg dies (real mediasoup worker, real ffmpeg)', () => {
  let media: Media;
  let config: RecorderConfig;
  let cleanUp: () => Promise<void>;
  const venues: RtpSource[] = [];
  let recording: Recording | undefined;

  beforeAll(async () => {
    media = await startMedia();
    ({ config, cleanUp } = await testConfig());
  });
  afterEach(async () => {
    await recording?.close();
    for (const v of venues.splice(0)) await v.close();
  });
  afterAll(async () => {
    await media?.close();
    await cleanUp?.();
  });

  it('replaces an encoder killed with SIGKILL within seconds, leaves every listed segment intact and the playlist valid; a killed decoder comes back too', async () => {
    const [red, green] = await Promise.all(
      [COLOURS.red, COLOURS.green].map(async (colour) => {
        const v = await RtpSource.create({ router: media.router, colour, width: 320, height: 240, gop: 10 });
        venues.push(v);
        return v;
      }),
    );
    const panes = [red!.video.id, green!.video.id, null, null];
    const source = new TestSource({ kind: '2x2', panes }, [{ producerId: red!.audio!.id, audible: true }]);
    const ports = new PortAllocator({ ip: '127.0.0.1', min: 62000, max: 62999 });
    recording = await Recording.create({ id: 'faults', meetingId: 'm-faults', source, createTap: media.createTap, store: new MemoryRecordingStore(), config, ports });
    const t0 = Date.now();
    await waitFor('both venues on the programme', () => JSON.stringify(recording!.showing.panes) === JSON.stringify(panes));
    await waitFor('three segments', () => recording!.info.segments >= 3);
    const playlistPath = path.join(recording.dir, 'index.m3u8');
    const before = parsePlaylist(await readFile(playlistPath, 'utf8')).entries;
    const hashes = await Promise.all(before.map((e) => sha256(path.join(recording!.dir, e.file))));

    const encoderPid = recording.pids.encoder!;
    const killedAt = Date.now();
    process.kill(encoderPid, 'SIGKILL');
    const restarted = await waitFor('a segment from the new encoder', () => recording!.info.epochs === 2 && recording!.info.segments > before.length && recording!.pids.encoder, 8000);
    await waitFor('a segment of the new epoch', async () => (await readFile(playlistPath, 'utf8')).includes('seg-1-'), 8000);
    const resumedS = (Date.now() - killedAt) / 1000;
    expect(restarted).not.toBe(encoderPid);
    expect(isAlive(encoderPid)).toBe(false);

    const [videoPid] = recording.pids.video;
    process.kill(videoPid!, 'SIGKILL');
    await waitFor('a new video decoder', () => recording!.pids.video.some((pid) => pid !== videoPid && isAlive(pid)), 8000);
    await sleep(3000);
    const info = await recording.stop();
    const recordedS = (Date.now() - t0) / 1000;

    expect(resumedS).toBeLessThan(4);
    // What was listed before the kill is byte for byte what is there now, still listed first.
    const text = await readFile(playlistPath, 'utf8');
    const after = parsePlaylist(text).entries;
    expect(after.slice(0, before.length).map((e) => e.file)).toEqual(before.map((e) => e.file));
    expect(await Promise.all(before.map((e) => sha256(path.join(recording!.dir, e.file))))).toEqual(hashes);
    // One discontinuity, where the new encoder starts; the playlist reads cleanly to its end.
    expect(text.split('#EXT-X-DISCONTINUITY').length - 1).toBe(1);
    expect(after.find((e) => e.discontinuity && e !== after[0])?.file).toMatch(/^seg-1-00000\.ts$/);
    expect(text.trimEnd().endsWith('#EXT-X-ENDLIST')).toBe(true);
    const hls = await probe(playlistPath);
    expect(hls.errors).toBe('');
    expect(hls.streams.map((s) => s.codec_name).sort()).toEqual(['aac', 'h264']);
    // At most the segment being written and the restart are lost.
    expect(info.durationS).toBeGreaterThan(recordedS - 2.5);
    const mp4Path = path.join(recording.dir, 'recording.mp4');
    const mp4 = await probe(mp4Path);
    expect(mp4.errors).toBe('');
    expect(Math.abs(mp4.format.duration - info.durationS)).toBeLessThan(0.3);
    // The MP4 joins the epochs end to end (at most a frame or two apart where they meet).
    expect(largestGap(await packetTimes(mp4Path, 'v'))).toBeLessThan(0.1);
    // The pictures are live again after the decoder restart: the box moves in both panes.
    const [a, b] = [info.durationS - 1.2, info.durationS - 0.6];
    const rects = paneRects('2x2', config.width, config.height);
    const [fa, fb] = await Promise.all([a, b].map((t) => frameAt(mp4Path, t, config.width, config.height)));
    for (const rect of rects.slice(0, 2)) {
      const [xa, xb] = [boxX(fa!, config.width, rect), boxX(fb!, config.width, rect)];
      expect(xa).not.toBeNull();
      expect(xb).not.toBeNull();
      expect(Math.abs(xa! - xb!)).toBeGreaterThan(5);
    }
    expect(ports.inUse).toBe(0);
  });
  it('loses no time when the encoder stalls (SIGSTOP 3 s): the picture holds, the sound and the timeline go on', async () => {
    const red = await RtpSource.create({ router: media.router, colour: COLOURS.red, width: 320, height: 240, gop: 10 });
    venues.push(red);
    const source = new TestSource({ kind: '1', panes: [red.video.id] }, [{ producerId: red.audio!.id, audible: true }]);
    const ports = new PortAllocator({ ip: '127.0.0.1', min: 62000, max: 62999 });
    recording = await Recording.create({ id: 'stall', meetingId: 'm-stall', source, createTap: media.createTap, store: new MemoryRecordingStore(), config, ports });
    await waitFor('the venue on the programme', () => recording!.showing.panes[0] === red.video.id);
    // Past the encoder's first 5 s, when it may queue more while it starts.
    await waitFor('six segments', () => recording!.info.segments >= 6, 10_000);
    const encoderPid = recording.pids.encoder!;
    process.kill(encoderPid, 'SIGSTOP');
    await sleep(3000);
    process.kill(encoderPid, 'SIGCONT');
    await sleep(3000);
    const { stats } = recording;
    const info = await recording.stop();
    const recordedS = (Date.parse(info.endedAt!) - Date.parse(info.startedAt)) / 1000;

    expect(stats.framesDropped).toBe(0);
    // Held while more than half a second was queued: most of the stall.
    expect(stats.framesRepeated).toBeGreaterThan(config.fps);
    expect(info.epochs).toBe(1);
    const playlistPath = path.join(recording.dir, 'index.m3u8');
    const text = await readFile(playlistPath, 'utf8');
    expect(text).not.toContain('#EXT-X-DISCONTINUITY');
    expect(Math.abs(info.durationS - recordedS), `listed ${info.durationS} s of ${recordedS} s`).toBeLessThanOrEqual(0.5);
    // Segments follow each other without a hole; the sound never stops.
    const entries = parsePlaylist(text).entries;
    const hls = await probe(playlistPath);
    expect(hls.errors).toBe('');
    expect(largestGap(await packetTimes(playlistPath, 'a'))).toBeLessThan(0.05);
    expect(Math.abs(hls.format.duration - entries.reduce((s, e) => s + e.duration, 0))).toBeLessThan(0.3);
    const mp4 = await probe(path.join(recording.dir, 'recording.mp4'));
    expect(Math.abs(mp4.format.duration - info.durationS)).toBeLessThan(0.3);
    expect(ports.inUse).toBe(0);
  });
});
