import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer } from '../../signaling/src/redis/RedisServer.ts';
import type { RecorderConfig } from './config.ts';
import { parsePlaylist } from './HlsPlaylist.ts';
import { Recorder } from './Recorder.ts';
import { RecorderError } from './errors.ts';
import { RedisRecordingStore, recordingKeys } from './RedisRecordingStore.ts';
import { COLOURS, startMedia, testConfig, waitFor, type Media } from './testing/harness.ts';
import { probe, sha256 } from './testing/probe.ts';
import { RtpSource } from './testing/RtpSource.ts';
import { TestSource } from './testing/TestSource.ts';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('Recorder: recording state in Redis survives a server restart', () => {
  let media: Media;
  let config: RecorderConfig;
  let cleanUp: () => Promise<void>;
  let redisDir: string;
  let redisPort: number;
  let venue: RtpSource;

  beforeAll(async () => {
    media = await startMedia();
    ({ config, cleanUp } = await testConfig());
    redisDir = await mkdtemp(path.join(os.tmpdir(), 'yilian-rec-redis-'));
    redisPort = await freePort();
    venue = await RtpSource.create({ router: media.router, colour: COLOURS.blue, width: 320, height: 240, gop: 10 });
  });
  afterAll(async () => {
    await venue?.close();
    await media?.close();
    await cleanUp?.();
    await rm(redisDir, { recursive: true, force: true });
  });

  /** One "server run": Redis (same data folder every time), its store and a recorder. */
  async function serverRun() {
    const redisServer = await RedisServer.create({ port: redisPort, dir: redisDir, appendfsync: 'always' });
    const redis = new Redis(redisServer.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    const store = new RedisRecordingStore(redis);
    const recorder = await Recorder.create({ config, store });
    return {
      redis,
      store,
      recorder,
      async stop() {
        await recorder.close();
        redis.disconnect();
        await redisServer.close();
      },
    };
  }

  const meeting = (id: string) => ({
    meetingId: id,
    source: new TestSource({ kind: '1', panes: [venue.video.id] }, [{ producerId: venue.audio!.id, audible: true }]),
    createTap: media.createTap,
  });

  it('resumes an interrupted recording into the same playlist after a restart, then finishes it', async () => {
    const first = await serverRun();
    const started = await first.recorder.start(meeting('m-restart'));
    expect(started.status).toBe('recording');
    await expect(first.recorder.start(meeting('m-restart'))).rejects.toBeInstanceOf(RecorderError);
    await waitFor('three segments', () => (first.recorder.get('m-restart')?.info.segments ?? 0) >= 3);
    const playlistPath = path.join(started.dir, 'index.m3u8');
    await first.stop();

    // Between runs: the state says "recording", and the playlist is live (no ENDLIST).
    const before = parsePlaylist(await readFile(playlistPath, 'utf8'));
    expect(before.ended).toBe(false);
    const hashes = await Promise.all(before.entries.map((e) => sha256(path.join(started.dir, e.file))));

    const second = await serverRun();
    try {
      const interrupted = await second.recorder.interrupted();
      expect(interrupted.map((r) => [r.id, r.status])).toEqual([[started.id, 'recording']]);
      const resumed = await second.recorder.start(meeting('m-restart'));
      expect(resumed.id).toBe(started.id);
      await waitFor('segments of the new run', () => (second.recorder.get('m-restart')?.info.segments ?? 0) >= before.entries.length + 2);
      const info = await second.recorder.stop('m-restart');
      expect(info).toMatchObject({ id: started.id, status: 'finished', epochs: 2, mp4: 'recording.mp4' });
      expect(await second.store.get(started.id)).toMatchObject({ status: 'finished' });
      expect(await second.store.inProgress('m-restart')).toBeNull();
      expect(await second.redis.hlen(recordingKeys.inProgress)).toBe(0);

      const after = parsePlaylist(await readFile(playlistPath, 'utf8'));
      expect(after.ended).toBe(true);
      expect(after.entries.slice(0, before.entries.length)).toEqual(before.entries);
      expect(await Promise.all(before.entries.map((e) => sha256(path.join(started.dir, e.file))))).toEqual(hashes);
      const resumedAt = after.entries[before.entries.length]!;
      expect(resumedAt.discontinuity).toBe(true);
      expect(resumedAt.file).toMatch(/^seg-1-/);
      expect(Date.parse(resumedAt.programDateTime)).toBeGreaterThan(Date.parse(before.entries.at(-1)!.programDateTime));
      const mp4 = await probe(path.join(started.dir, 'recording.mp4'));
      expect(mp4.errors).toBe('');
      expect(Math.abs(mp4.format.duration - info.durationS)).toBeLessThan(0.3);
      expect(await second.recorder.list({ meetingId: 'm-restart' })).toHaveLength(1);
    } finally {
      await second.stop();
    }
  });

  it('finalises an interrupted recording that will not be resumed', async () => {
    const first = await serverRun();
    const started = await first.recorder.start(meeting('m-final'));
    await waitFor('two segments', () => (first.recorder.get('m-final')?.info.segments ?? 0) >= 2);
    await first.stop();
    const stoppedAt = Date.now();

    const second = await serverRun();
    try {
      expect((await second.recorder.interrupted()).map((r) => r.id)).toEqual([started.id]);
      await new Promise((r) => setTimeout(r, 1000));
      const info = await second.recorder.finalize(started.id);
      expect(info).toMatchObject({ status: 'finished', mp4: 'recording.mp4' });
      // It ended when its server stopped, not when it was finalised.
      expect(Date.parse(info.endedAt!)).toBeLessThanOrEqual(stoppedAt + 100);
      expect(Date.parse(info.endedAt!)).toBeGreaterThan(stoppedAt - 5000);
      expect(info.segments).toBeGreaterThanOrEqual(2);
      expect(await second.recorder.interrupted()).toEqual([]);
      await expect(second.recorder.finalize(started.id)).rejects.toMatchObject({ code: 'conflict', status: 409 });
      const playlist = parsePlaylist(await readFile(path.join(started.dir, 'index.m3u8'), 'utf8'));
      expect(playlist.ended).toBe(true);
      expect((await probe(path.join(started.dir, 'index.m3u8'))).errors).toBe('');
    } finally {
      await second.stop();
    }
  });
});
