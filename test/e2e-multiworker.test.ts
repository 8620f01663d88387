import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startStack, type Stack } from './helpers/stack.ts';
import { joinThroughUi, launchVenue, loginThroughUi, waitForLiveMedia, type VenueBrowser } from './helpers/browser.ts';

describe('one meeting over two mediasoup workers', () => {
  let stack: Stack;
  const browsers: VenueBrowser[] = [];

  beforeAll(async () => {
    // A tiny per-worker consumer budget: the third venue no longer fits on the first worker.
    stack = await startStack({ sfu: { numWorkers: 2, maxConsumersPerWorker: 3 } });
  });

  afterAll(async () => {
    for (const b of browsers) await b.close();
    await stack?.close();
  });

  it('pipes media between the workers so venues on either worker see and hear each other', async () => {
    const chair = await login(stack.baseUrl, 'chair');
    const meetingId = (
      await api<{ meeting: { id: string } }>(stack.baseUrl, chair.token, 'POST', '/api/meetings', {
        title: '跨进程会议',
        invitedVenueIds: ['tw07', 'tw08'],
      })
    ).body.meeting.id;
    const users = { hall: 'chair', tw07: 'tw07', tw08: 'tw08' } as const;
    const pages: Record<string, VenueBrowser> = {};
    for (const [venue, user] of Object.entries(users)) {
      const b = await launchVenue(stack.baseUrl, { lowRes: true });
      browsers.push(b);
      pages[venue] = b;
      await loginThroughUi(b.page, stack.baseUrl, user);
      await joinThroughUi(b.page, meetingId);
      // Let its consumers exist before the next venue is placed.
      for (const other of Object.keys(pages)) if (other !== venue) await waitForLiveMedia(b.page, other);
    }
    for (const [venue, b] of Object.entries(pages)) {
      for (const other of Object.keys(pages)) if (other !== venue) await waitForLiveMedia(b.page, other);
    }

    const admin = await login(stack.baseUrl, 'admin');
    const { body } = await api<{ placement: { workerPid: number; venueIds: string[] }[] }>(
      stack.baseUrl, admin.token, 'GET', `/api/admin/meetings/${meetingId}/media`);
    expect(body.placement).toHaveLength(2);
    expect(new Set(body.placement.map((p) => p.workerPid)).size).toBe(2);
    expect(body.placement.flatMap((p) => p.venueIds).sort()).toEqual(['hall', 'tw07', 'tw08']);
    expect(body.placement.every((p) => p.venueIds.length > 0)).toBe(true);
  });
});
