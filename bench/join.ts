// npm run bench -- join [N]: N (default 10) real Chromium joins, each from a fresh page load
// (camera opened, device loaded, transports created), timed from the click on "join" to the first
// decoded frame of the county hall's video. Writes bench/results/join.json.
import os from 'node:os';
import { api, login, startStack } from '../test/helpers/stack.ts';
import { joinThroughUi, launchVenue, loginThroughUi, waitForLiveMedia } from '../test/helpers/browser.ts';
import { percentile, writeResults } from './stats.ts';

const runs = Number(process.argv[2] ?? 10);
if (!Number.isInteger(runs) || runs < 1) throw new Error('N must be a positive whole number');

const stack = await startStack();
const hall = await launchVenue(stack.baseUrl);
const venue = await launchVenue(stack.baseUrl);
const samples: number[] = [];
try {
  const chair = await login(stack.baseUrl, 'chair');
  const { body } = await api<{ meeting: { id: string } }>(stack.baseUrl, chair.token, 'POST', '/api/meetings', {
    title: 'join benchmark',
    invitedVenueIds: ['tw04'],
  });
  const meetingId = body.meeting.id;
  await loginThroughUi(hall.page, stack.baseUrl, 'chair');
  await joinThroughUi(hall.page, meetingId);
  await loginThroughUi(venue.page, stack.baseUrl, 'tw04');

  for (let i = 0; i < runs + 1; i++) {
    await venue.page.reload();
    await venue.page.getByTestId(`join-${meetingId}`).waitFor();
    const ms = await venue.page.evaluate(async (id) => {
      const pcs = (window as unknown as { __testPeerConnections: RTCPeerConnection[] }).__testPeerConnections;
      const start = performance.now();
      document.querySelector<HTMLButtonElement>(`[data-testid="join-${id}"]`)!.click();
      for (;;) {
        const video = document.querySelector<HTMLVideoElement>('[data-testid="tile-hall"] video');
        const ids = new Set(video?.srcObject instanceof MediaStream ? video.srcObject.getVideoTracks().map((t) => t.id) : []);
        for (const pc of ids.size ? pcs : []) {
          let decoded = 0;
          (await pc.getStats()).forEach((s: Record<string, unknown>) => {
            if (s.type === 'inbound-rtp' && s.kind === 'video' && ids.has(String(s.trackIdentifier))) decoded += Number(s.framesDecoded ?? 0);
          });
          if (decoded > 0) return performance.now() - start;
        }
        if (performance.now() - start > 20_000) throw new Error('no frame decoded within 20 s');
        await new Promise((r) => setTimeout(r, 5));
      }
    }, meetingId);
    await waitForLiveMedia(venue.page, 'hall');
    await venue.page.getByTestId('leave-meeting').click();
    await venue.page.getByTestId('meeting-page').waitFor({ state: 'detached' });
    // The first run warms the browser's caches and is not counted.
    if (i > 0) {
      samples.push(Math.round(ms));
      process.stdout.write(`run ${i}: ${Math.round(ms)} ms\n`);
    }
  }
} finally {
  await venue.close();
  await hall.close();
  await stack.close();
}

const p50 = percentile(samples, 50);
const p95 = percentile(samples, 95);
process.stdout.write(`join_first_frame_ms p50=${p50} p95=${p95}\n`);
const file = await writeResults('join', {
  samples_ms: samples,
  p50_ms: p50,
  p95_ms: p95,
  runs,
  machine: { cores: os.availableParallelism(), memory_gb: Math.round(os.totalmem() / 2 ** 30) },
  note: 'Chromium (fake camera 640x480) in a loopback-only namespace; from the click on join after a fresh page load to the first decoded frame of the county hall video; first run discarded as warm-up.',
});
process.stdout.write(`wrote ${file}\n`);
