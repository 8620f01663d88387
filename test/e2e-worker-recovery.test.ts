import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startStack, type Stack } from './helpers/stack.ts';
import { joinThroughUi, launchVenue, loginThroughUi, tileMedia, waitForLiveMedia, type VenueBrowser } from './helpers/browser.ts';

describe('a mediasoup worker dying during a meeting', () => {
  let stack: Stack;
  const browsers: VenueBrowser[] = [];

  beforeAll(async () => {
    stack = await startStack();
  });

  afterAll(async () => {
    for (const b of browsers) await b.close();
    await stack?.close();
  });

  it('is replaced by the pool and the venues get their media back by themselves', async () => {
    const chair = await login(stack.baseUrl, 'chair');
    const admin = await login(stack.baseUrl, 'admin');
    const { body } = await api<{ meeting: { id: string } }>(stack.baseUrl, chair.token, 'POST', '/api/meetings', {
      title: '工作调度会',
      invitedVenueIds: ['tw02'],
    });
    const meetingId = body.meeting.id;
    const hall = await launchVenue(stack.baseUrl);
    const township = await launchVenue(stack.baseUrl);
    browsers.push(hall, township);
    await loginThroughUi(hall.page, stack.baseUrl, 'chair');
    await loginThroughUi(township.page, stack.baseUrl, 'tw02');
    await joinThroughUi(hall.page, meetingId);
    await joinThroughUi(township.page, meetingId);
    await waitForLiveMedia(hall.page, 'tw02');
    await waitForLiveMedia(township.page, 'hall');
    const tracksBefore = (await tileMedia(hall.page, 'tw02')).trackIds;

    const mediaView = async () =>
      (await api<{ workerPid: number | null }>(stack.baseUrl, admin.token, 'GET', `/api/admin/meetings/${meetingId}/media`)).body;
    const deadPid = (await mediaView()).workerPid!;
    const workersBefore = stack.server.sfu.workerPids.length;
    const killedAt = Date.now();
    process.kill(deadPid, 'SIGKILL');

    // Both pages decode each other again, over new consumers.
    await waitForNewMedia(hall, 'tw02', tracksBefore);
    await waitForLiveMedia(township.page, 'hall', 30_000);
    const recoveryMs = Date.now() - killedAt;
    process.stdout.write(`worker recovery: media decoding again at both venues ${recoveryMs} ms after SIGKILL\n`);

    expect((await mediaView()).workerPid).not.toBe(deadPid);
    await expect.poll(() => stack.server.sfu.workerPids.length, { timeout: 10_000 }).toBe(workersBefore);
    expect(stack.server.sfu.workerPids).not.toContain(deadPid);
    expect(recoveryMs).toBeLessThan(30_000);
  });
});

async function waitForNewMedia(browser: VenueBrowser, venueId: string, oldTracks: string[]): Promise<void> {
  await expect
    .poll(async () => (await tileMedia(browser.page, venueId)).trackIds.some((id) => !oldTracks.includes(id)), {
      timeout: 30_000,
      interval: 200,
    })
    .toBe(true);
  await waitForLiveMedia(browser.page, venueId, 30_000);
}
