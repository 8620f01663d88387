import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RecorderConfig } from './config.ts';
import { paneRects } from './layouts.ts';
import { PortAllocator } from './PortAllocator.ts';
import { Recording } from './Recording.ts';
import { MemoryRecordingStore } from './RecordingStore.ts';
import { COLOURS, PANE_COLOURS, sleep, startMedia, testConfig, waitFor, type Media } from './testing/harness.ts';
import { frameAt, isAlive, largestGap, meanVolume, nearest, packetTimes, paneColour, probe } from './testing/probe.ts';
import { RtpSource, type RtpSourceOptions } from './testing/RtpSource.ts';
import { TestSource } from './testing/TestSource.ts';
import type { LayoutKind } from './types.ts';

describe('Recording (real mediasoup worker, RTP from ffmpeg venues, real ffmpeg)', () => {
  let media: Media;
  let config: RecorderConfig;
  let cleanUp: () => Promise<void>;
  const venues: RtpSource[] = [];
  const recordings: Recording[] = [];
  const store = new MemoryRecordingStore();
  const ports = new PortAllocator({ ip: '127.0.0.1', min: 61000, max: 61999 });
  let seq = 0;

  beforeAll(async () => {
    media = await startMedia();
    ({ config, cleanUp } = await testConfig());
  });
  afterEach(async () => {
    for (const r of recordings.splice(0)) await r.close();
    for (const v of venues.splice(0)) await v.close();
  });
  afterAll(async () => {
    await media?.close();
    await cleanUp?.();
  });

  const venue = async (colour: string, options: Partial<RtpSourceOptions> = {}) => {
    // Key frames every 0.5 s: ffmpeg senders ignore key frame requests (browsers answer them at once).
    const v = await RtpSource.create({ router: media.router, colour, width: 320, height: 240, gop: 10, ...options });
    venues.push(v);
    return v;
  };
  const record = async (source: TestSource) => {
    const recording = await Recording.create({ id: `rec${++seq}`, meetingId: `m${seq}`, source, createTap: media.createTap, store, config, ports });
    recordings.push(recording);
    return recording;
  };
  const mp4Of = (r: Recording) => path.join(r.dir, 'recording.mp4');
  const colours = async (file: string, t: number, kind: LayoutKind) => {
    const frame = await frameAt(file, t, config.width, config.height);
    return paneRects(kind, config.width, config.height).map((rect) => nearest(paneColour(frame, config.width, config.height, rect), PANE_COLOURS));
  };
  const playlistText = (r: Recording) => readFile(path.join(r.dir, 'index.m3u8'), 'utf8');

  it('records a 2×2 programme to HLS that plays to the end (ENDLIST, recorded duration ±1 s, H.264 + AAC) and to a valid MP4', async () => {
    const [red, green] = await Promise.all([venue(COLOURS.red), venue(COLOURS.green, { toneHz: 660 })]);
    const source = new TestSource({ kind: '2x2', panes: [red.video.id, green.video.id, null, null] }, [
      { producerId: red.audio!.id, audible: true },
      { producerId: green.audio!.id, audible: true },
    ]);
    const recording = await record(source);
    const started = Date.now();
    await waitFor('a live playlist', () => recording.info.segments > 0);
    const text = await playlistText(recording);
    expect(text).toContain('#EXT-X-START:TIME-OFFSET=-2.0');
    expect(text).toContain('#EXT-X-PROGRAM-DATE-TIME:');
    expect(text).not.toContain('#EXT-X-ENDLIST');
    await sleep(6000);
    const { pids } = recording;
    const info = await recording.stop();
    const recordedS = (Date.now() - started) / 1000;

    expect(info.status).toBe('finished');
    expect(info.mp4).toBe('recording.mp4');
    const final = await playlistText(recording);
    expect(final.trimEnd().endsWith('#EXT-X-ENDLIST')).toBe(true);
    expect(final).not.toContain('#EXT-X-START');
    const hls = await probe(path.join(recording.dir, 'index.m3u8'));
    expect(hls.errors).toBe('');
    expect(hls.streams.map((s) => s.codec_name).sort()).toEqual(['aac', 'h264']);
    expect(hls.streams.find((s) => s.codec_type === 'video')).toMatchObject({ width: 640, height: 360 });
    expect(Math.abs(info.durationS - recordedS)).toBeLessThanOrEqual(1);
    const mp4 = await probe(mp4Of(recording));
    expect(mp4.errors).toBe('');
    expect(mp4.format.format_name).toContain('mp4');
    expect(mp4.streams.map((s) => s.codec_name).sort()).toEqual(['aac', 'h264']);
    expect(Math.abs(mp4.format.duration - info.durationS)).toBeLessThan(0.25);
    expect(await colours(mp4Of(recording), info.durationS - 1, '2x2')).toEqual(['red', 'green', 'empty', 'empty']);
    expect(await meanVolume(mp4Of(recording), 2, 4)).toBeGreaterThan(-40);

    // Lifecycle: every process gone, ports and taps released, the source listener removed.
    expect([pids.encoder, ...pids.video, ...pids.audio].filter(isAlive)).toEqual([]);
    expect([pids.video.length, pids.audio.length]).toEqual([1, 1]);
    expect(ports.inUse).toBe(0);
    expect(media.openTaps()).toBe(0);
    expect(source.listenerCount).toBe(0);
    expect((await store.get(info.id))?.status).toBe('finished');
  });

  it('keeps one unbroken timeline while a camera pauses and resumes, a venue joins late, another changes resolution and one leaves', async () => {
    const [red, green] = await Promise.all([venue(COLOURS.red), venue(COLOURS.green)]);
    const layout = (panes: (string | null)[]) => ({ kind: '2x2' as const, panes });
    const source = new TestSource(layout([red.video.id, green.video.id, null, null]));
    const recording = await record(source);
    const t0 = Date.now();
    const at = () => (Date.now() - t0) / 1000;
    const showing = (panes: (string | null)[]) => () => JSON.stringify(recording.showing.panes) === JSON.stringify(panes);
    await waitFor('both venues on the programme', showing([red.video.id, green.video.id, null, null]));
    const bothAt = at();
    await sleep(1000);
    await red.pauseVideo();
    await waitFor('the paused camera to leave its pane', showing([null, green.video.id, null, null]));
    const pausedAt = at();
    await sleep(1000);
    const blue = await venue(COLOURS.blue);
    source.set({ layout: layout([red.video.id, green.video.id, blue.video.id, null]) });
    await waitFor('the late venue on the programme', showing([null, green.video.id, blue.video.id, null]));
    await red.resumeVideo();
    await green.changeSize(640, 480);
    await waitFor('the resumed camera back', showing([red.video.id, green.video.id, blue.video.id, null]));
    const allAt = at();
    await sleep(1500);
    await blue.close();
    source.set({ layout: layout([red.video.id, green.video.id, null, null]) });
    await waitFor('the venue that left to leave its pane', showing([red.video.id, green.video.id, null, null]));
    await sleep(1500);
    const info = await recording.stop();
    const recordedS = at();

    const playlist = await playlistText(recording);
    expect(playlist).not.toContain('#EXT-X-DISCONTINUITY');
    const file = path.join(recording.dir, 'index.m3u8');
    const video = await packetTimes(file, 'v');
    const audio = await packetTimes(file, 'a');
    // 25 fps, every frame present: no gap anywhere near a segment (1 s).
    expect(largestGap(video)).toBeLessThan(0.045);
    expect(largestGap(audio)).toBeLessThan(0.05);
    expect(video.length).toBeGreaterThanOrEqual(Math.floor((recordedS - 1) * config.fps));
    expect(Math.abs(info.durationS - recordedS)).toBeLessThanOrEqual(1);
    const mp4 = await probe(mp4Of(recording));
    const [v, a] = ['video', 'audio'].map((k) => mp4.streams.find((s) => s.codec_type === k)?.duration ?? 0);
    expect(Math.abs(v! - a!)).toBeLessThan(0.1);

    expect(await colours(mp4Of(recording), bothAt + 0.5, '2x2')).toEqual(['red', 'green', 'empty', 'empty']);
    expect((await colours(mp4Of(recording), pausedAt + 0.5, '2x2'))[0]).toBe('empty');
    expect(await colours(mp4Of(recording), allAt + 0.7, '2x2')).toEqual(['red', 'green', 'blue', 'empty']);
    expect(await colours(mp4Of(recording), info.durationS - 0.6, '2x2')).toEqual(['red', 'green', 'empty', 'empty']);
    expect(recording.stats.framesDropped).toBe(0);
  });

  it('changes the layout from one picture to 2×2 mid-recording on the same timeline', async () => {
    const [red, green, blue, yellow] = await Promise.all(
      [COLOURS.red, COLOURS.green, COLOURS.blue, COLOURS.yellow].map((c) => venue(c, { toneHz: 0 })),
    );
    const source = new TestSource({ kind: '1', panes: [red!.video.id] });
    const recording = await record(source);
    const t0 = Date.now();
    await waitFor('the one picture', () => recording.showing.panes[0] === red!.video.id);
    const oneAt = (Date.now() - t0) / 1000;
    await sleep(1500);
    const quad = [red!.video.id, green!.video.id, blue!.video.id, yellow!.video.id];
    source.set({ layout: { kind: '2x2', panes: quad } });
    const changedAt = (Date.now() - t0) / 1000;
    await waitFor('the 2×2 layout', () => JSON.stringify(recording.showing.panes) === JSON.stringify(quad));
    const switchS = (Date.now() - t0) / 1000 - changedAt;
    await sleep(2000);
    const info = await recording.stop();

    expect(switchS).toBeLessThan(3);
    const playlist = await playlistText(recording);
    expect(playlist).not.toContain('#EXT-X-DISCONTINUITY');
    expect(info.epochs).toBe(1);
    const video = await packetTimes(path.join(recording.dir, 'index.m3u8'), 'v');
    expect(largestGap(video)).toBeLessThan(0.045);
    expect(await colours(mp4Of(recording), oneAt + 0.5, '2x2')).toEqual(['red', 'red', 'red', 'red']);
    expect(await colours(mp4Of(recording), changedAt + switchS + 0.3, '2x2')).toEqual(['red', 'green', 'blue', 'yellow']);
    expect(await colours(mp4Of(recording), info.durationS - 0.5, '2x2')).toEqual(['red', 'green', 'blue', 'yellow']);
  });

  it('mixes only audible venues: muting the last audible venue silences the programme without a break', async () => {
    const [red, green] = await Promise.all([venue(COLOURS.red), venue(COLOURS.green, { toneHz: 660 })]);
    const audio = (redAudible: boolean) => [
      { producerId: red.audio!.id, audible: redAudible },
      { producerId: green.audio!.id, audible: false },
    ];
    const source = new TestSource({ kind: '1', panes: [red.video.id] }, audio(true));
    const recording = await record(source);
    const t0 = Date.now();
    await sleep(3500);
    source.set({ audio: audio(false) });
    const mutedAt = (Date.now() - t0) / 1000;
    await sleep(2500);
    await recording.stop();
    const file = mp4Of(recording);
    expect(await meanVolume(file, 1.5, mutedAt - 0.5)).toBeGreaterThan(-40);
    expect(await meanVolume(file, mutedAt + 0.5, mutedAt + 2)).toBeLessThan(-80);
    expect(largestGap(await packetTimes(file, 'a'))).toBeLessThan(0.05);
  });
});
