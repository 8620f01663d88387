import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, connectSocket, login, request, startStack, type Stack } from './helpers/stack.ts';
import { launchVenue, loginThroughUi, joinThroughUi, waitForLiveMedia, type VenueBrowser } from './helpers/browser.ts';

interface Listed {
  id: string;
  title: string;
  kind: string;
  status: string;
  invitedVenueIds: string[];
}

describe('scheduling meetings in the console', () => {
  let stack: Stack;
  const browsers: VenueBrowser[] = [];
  const meetingsOf = async (user: string) =>
    (await api<{ meetings: Listed[] }>(stack.baseUrl, (await login(stack.baseUrl, user)).token, 'GET', '/api/meetings')).body.meetings;

  beforeAll(async () => {
    stack = await startStack();
  });

  afterAll(async () => {
    for (const b of browsers) await b.close();
    await stack?.close();
  });

  it('lets the chair save a venue group and call a grouped meeting that the group venues see', async () => {
    const chair = await launchVenue(stack.baseUrl, { lowRes: true });
    browsers.push(chair);
    const page = chair.page;
    await loginThroughUi(page, stack.baseUrl, 'chair');
    await page.getByTestId('group-new').click();
    await page.getByTestId('group-name').fill('防汛重点乡镇');
    await page.getByTestId('group-venue-tw02').check();
    await page.getByTestId('group-venue-tw03').check();
    await page.getByTestId('group-save').click();
    await page.getByText('防汛重点乡镇 · 2 个会场').waitFor();

    await page.getByTestId('new-meeting').click();
    await page.getByTestId('new-meeting-title').fill('防汛重点乡镇会商');
    await page.getByTestId('new-meeting-kind').selectOption('group');
    const groupValue = await page.getByTestId('new-meeting-group').locator('option', { hasText: '防汛重点乡镇' }).getAttribute('value');
    await page.getByTestId('new-meeting-group').selectOption(groupValue!);
    await page.getByTestId('new-meeting-submit').click();
    await page.getByTestId('new-meeting-form').waitFor({ state: 'detached' });

    const seen = (await meetingsOf('tw02')).find((m) => m.title === '防汛重点乡镇会商');
    expect(seen).toMatchObject({ kind: 'group', status: 'open' });
    expect(seen!.invitedVenueIds.sort()).toEqual(['hall', 'tw02', 'tw03']);
    expect((await meetingsOf('tw04')).some((m) => m.title === '防汛重点乡镇会商')).toBe(false);
  });

  it('lets any venue start an ad hoc meeting that the invited venue joins with one click', async () => {
    const a = await launchVenue(stack.baseUrl, { lowRes: true });
    const b = await launchVenue(stack.baseUrl, { lowRes: true });
    browsers.push(a, b);
    await loginThroughUi(a.page, stack.baseUrl, 'tw05');
    await a.page.getByTestId('new-meeting').click();
    await a.page.getByTestId('new-meeting-title').fill('东坝镇与清水镇会商');
    await a.page.getByTestId('new-meeting-venue-tw06').check();
    await a.page.getByTestId('new-meeting-submit').click();
    const meeting = (await meetingsOf('tw06')).find((m) => m.title === '东坝镇与清水镇会商');
    expect(meeting).toMatchObject({ kind: 'adhoc', status: 'open' });

    await joinThroughUi(a.page, meeting!.id);
    await loginThroughUi(b.page, stack.baseUrl, 'tw06');
    await joinThroughUi(b.page, meeting!.id);
    await waitForLiveMedia(a.page, 'tw06');
    await waitForLiveMedia(b.page, 'tw05');
  });

  it('keeps a meeting scheduled for later closed to invited venues until it opens', async () => {
    const { token } = await login(stack.baseUrl, 'chair');
    const later = new Date(Date.now() + 3 * 3600_000).toISOString();
    const created = await api<{ meeting: Listed }>(stack.baseUrl, token, 'POST', '/api/meetings', {
      title: '明日安全生产会',
      invitedVenueIds: ['tw07'],
      startsAt: later,
    });
    expect(created.body.meeting.status).toBe('scheduled');
    const tw07 = await login(stack.baseUrl, 'tw07');
    const socket = await connectSocket(stack.baseUrl, tw07.token);
    try {
      const ack = await request(socket, 'meeting.join', { meetingId: created.body.meeting.id });
      expect(ack).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringContaining('opens at') } });
    } finally {
      socket.close();
    }
  });
});
