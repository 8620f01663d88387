import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { joinThroughUi, launchVenue, loginThroughUi, waitForVideo, type VenueBrowser } from '../../test/helpers/browser.ts';
import { api, login, startStack, type Stack } from '../../test/helpers/stack.ts';
import { paneRects } from './layouts.ts';
import { PortAllocator } from './PortAllocator.ts';
import { Recording } from './Recording.ts';
import { MemoryRecordingStore } from './RecordingStore.ts';
import { sleep, testConfig, waitFor } from './testing/harness.ts';
import { frameAt, probe } from './testing/probe.ts';
import type { RecordingSource } from './types.ts';

describe('Recording a meeting of real Chromium venues through the SFU', () => {
  let stack: Stack | undefined;
  const browsers: VenueBrowser[] = [];
  let recording: Recording | undefined;
  let cleanUp: (() => Promise<void>) | undefined;

  afterAll(async () => {
    await recording?.close();
    for (const b of browsers) await b.close();
    await stack?.close();
    await cleanUp?.();
  });

  it('records the venues’ simulcast VP8 cameras, tapped with SfuRoom.createPlainTap, into a playable programme', async () => {
    stack = await startStack();
    const chair = await login(stack.baseUrl, 'chair');
    const { body } = await api<{ meeting: { id: string } }>(stack.baseUrl, chair.token, 'POST', '/api/meetings', {
      title: '录制测试',
      invitedVenueIds: ['tw01'],
    });
    const meetingId = body.meeting.id;
    const [hall, township] = await Promise.all([launchVenue(stack.baseUrl, { lowRes: true }), launchVenue(stack.baseUrl, { lowRes: true })]);
    browsers.push(hall!, township!);
    await loginThroughUi(hall!.page, stack.baseUrl, 'chair');
    await loginThroughUi(township!.page, stack.baseUrl, 'tw01');
    await joinThroughUi(hall!.page, meetingId);
    await joinThroughUi(township!.page, meetingId);
    await waitForVideo(hall!.page, 'tw01');
    await waitForVideo(township!.page, 'hall');

    // What the meeting will implement: its cameras in a 2×2, its microphones audible.
    const sfu = stack.server.sfu;
    const room = () => sfu.getRoom(meetingId);
    const cameras = () => (room()?.producers() ?? []).filter((p) => p.source === 'camera').sort((a, b) => a.peerId.localeCompare(b.peerId));
    const source: RecordingSource = {
      layout: () => ({ kind: '2x2', panes: [...cameras().map((p) => p.producerId), null, null].slice(0, 4) }),
      audio: () => (room()?.producers() ?? []).filter((p) => p.source === 'microphone').map((p) => ({ producerId: p.producerId, audible: true })),
      onChange: () => () => undefined,
    };
    expect(cameras()).toHaveLength(2);
    const test = await testConfig();
    cleanUp = test.cleanUp;
    const { config } = test;
    recording = await Recording.create({
      id: 'chromium',
      meetingId,
      source,
      createTap: async (producerId, target) => {
        const media = room();
        if (!media) throw new Error('the meeting has no media');
        return media.createPlainTap(producerId, target);
      },
      store: new MemoryRecordingStore(),
      config,
      ports: new PortAllocator({ ip: config.rtpIp, min: 63000, max: 63999 }),
    });
    const started = Date.now();
    const ids = cameras().map((p) => p.producerId);
    await waitFor('both cameras on the programme', () => recording!.showing.panes.slice(0, 2).join() === ids.join(), 15_000);
    await sleep(3000);
    const info = await recording.stop();
    const recordedS = (Date.now() - started) / 1000;

    expect(info.status).toBe('finished');
    expect(Math.abs(info.durationS - recordedS)).toBeLessThanOrEqual(1);
    const mp4 = path.join(recording.dir, 'recording.mp4');
    const probed = await probe(path.join(recording.dir, 'index.m3u8'));
    expect(probed.errors).toBe('');
    expect(probed.streams.map((s) => s.codec_name).sort()).toEqual(['aac', 'h264']);
    // Both cameras' panes hold moving pictures at the end; the other two are empty.
    const { width: W, height: H } = config;
    const [a, b] = await Promise.all([info.durationS - 1.5, info.durationS - 0.7].map((t) => frameAt(mp4, t, W, H)));
    const rects = paneRects('2x2', W, H);
    const lumaStats = (rect: (typeof rects)[number]) => {
      let differs = 0;
      let notEmpty = 0;
      for (let y = rect.y; y < rect.y + rect.h; y++) {
        for (let x = rect.x; x < rect.x + rect.w; x++) {
          const [ya, yb] = [a![y * W + x]!, b![y * W + x]!];
          differs += Math.abs(ya - yb);
          if (Math.abs(ya - 40) > 12) notEmpty++;
        }
      }
      return { change: differs / (rect.w * rect.h), filled: notEmpty / (rect.w * rect.h) };
    };
    const [p0, p1, p2, p3] = rects.map(lumaStats);
    for (const live of [p0!, p1!]) {
      expect(live.filled).toBeGreaterThan(0.5);
      expect(live.change).toBeGreaterThan(1);
    }
    for (const empty of [p2!, p3!]) {
      expect(empty.change).toBeLessThan(0.5);
      expect(empty.filled).toBeLessThan(0.02);
    }
  });
});
