import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startStack, type Stack } from './helpers/stack.ts';
import { joinThroughUi, launchVenue, loginThroughUi, tileMedia, waitForLiveMedia, type VenueBrowser } from './helpers/browser.ts';

interface MediaView {
  running: boolean;
  venues: { venueId: string; transports: number; producers: number; consumers: number }[];
}

function metric(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : NaN;
}

describe('a county meeting in real Chromium', () => {
  let stack: Stack;
  let adminToken: string;
  let meetingId: string;
  const browsers: VenueBrowser[] = [];

  beforeAll(async () => {
    stack = await startStack();
    adminToken = (await login(stack.baseUrl, 'admin')).token;
    const chair = await login(stack.baseUrl, 'chair');
    const created = await api<{ meeting: { id: string } }>(stack.baseUrl, chair.token, 'POST', '/api/meetings', {
      title: '防汛工作视频调度会',
      invitedVenueIds: ['tw01', 'd015'],
    });
    meetingId = created.body.meeting.id;
  });

  afterAll(async () => {
    for (const b of browsers) await b.close();
    await stack?.close();
  });

  const mediaView = async () => (await api<MediaView>(stack.baseUrl, adminToken, 'GET', `/api/admin/meetings/${meetingId}/media`)).body;

  it('lets the county hall and a township see and hear each other, and a late venue see and hear both', async () => {
    const hall = await launchVenue(stack.baseUrl);
    const township = await launchVenue(stack.baseUrl);
    browsers.push(hall, township);
    await loginThroughUi(hall.page, stack.baseUrl, 'chair');
    await loginThroughUi(township.page, stack.baseUrl, 'tw01');
    expect(await hall.page.getByTestId(`meeting-${meetingId}`).textContent()).toContain('防汛工作视频调度会');
    await joinThroughUi(hall.page, meetingId);
    await joinThroughUi(township.page, meetingId);

    await waitForLiveMedia(hall.page, 'tw01');
    await waitForLiveMedia(township.page, 'hall');

    const department = await launchVenue(stack.baseUrl);
    browsers.push(department);
    await loginThroughUi(department.page, stack.baseUrl, 'd015');
    await joinThroughUi(department.page, meetingId);
    await waitForLiveMedia(department.page, 'hall');
    await waitForLiveMedia(department.page, 'tw01');
    await waitForLiveMedia(hall.page, 'd015');
    await waitForLiveMedia(township.page, 'd015');

    const view = await mediaView();
    expect(view.venues.map((v) => v.venueId).sort()).toEqual(['d015', 'hall', 'tw01']);
    for (const v of view.venues) expect(v).toMatchObject({ transports: 2, producers: 2, consumers: 4 });
  });

  it('stops delivering a venue that leaves and frees its server-side media', async () => {
    const [hall, township, department] = browsers as [VenueBrowser, VenueBrowser, VenueBrowser];
    const before = await tileMedia(hall.page, 'tw01');
    expect(before.trackIds.length).toBe(2);

    await township.page.getByTestId('leave-meeting').click();
    await township.page.getByTestId('meeting-page').waitFor({ state: 'detached' });

    for (const page of [hall.page, department.page]) {
      await page.getByTestId('tile-tw01').waitFor({ state: 'detached', timeout: 5_000 });
    }
    // The township's tracks deliver nothing more on the pages that stayed.
    const ended = await hall.page.evaluate(async (ids) => {
      const pcs = (window as unknown as { __testPeerConnections: RTCPeerConnection[] }).__testPeerConnections;
      const bytes = async () => {
        let total = 0;
        for (const pc of pcs) {
          if (pc.connectionState === 'closed') continue;
          (await pc.getStats()).forEach((s: Record<string, unknown>) => {
            if (s.type === 'inbound-rtp' && ids.includes(String(s.trackIdentifier))) total += Number(s.bytesReceived ?? 0);
          });
        }
        return total;
      };
      const a = await bytes();
      await new Promise((r) => setTimeout(r, 1500));
      return { a, b: await bytes() };
    }, before.trackIds);
    expect(ended.b).toBe(ended.a);

    const view = await mediaView();
    expect(view.venues.map((v) => v.venueId).sort()).toEqual(['d015', 'hall']);
    for (const v of view.venues) expect(v).toMatchObject({ transports: 2, producers: 2, consumers: 2 });
    const metrics = await (await fetch(`${stack.baseUrl}/metrics`)).text();
    expect(metric(metrics, 'yilian_transports')).toBe(4);
    expect(metric(metrics, 'yilian_producers')).toBe(4);
    expect(metric(metrics, 'yilian_consumers')).toBe(4);
    // The others still receive each other.
    await waitForLiveMedia(hall.page, 'd015');
    await waitForLiveMedia(department.page, 'hall');
  });
});
