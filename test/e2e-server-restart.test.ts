import { afterAll, describe, expect, it } from 'vitest';
import { api, freePort, login, startStack, type Stack } from './helpers/stack.ts';
import { joinThroughUi, launchVenue, loginThroughUi, tileMedia, waitForLiveMedia, waitForVideo, type VenueBrowser } from './helpers/browser.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

describe('a restart of the signalling server during a meeting', () => {
  const browsers: VenueBrowser[] = [];
  let stack: Stack | undefined;
  let dataDir: string | undefined;

  afterAll(async () => {
    for (const b of browsers) await b.close();
    await stack?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps the meeting with its layout, broadcast and mute state, and the venues reconnect by themselves', async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'yilian-restart-'));
    const fixed = { dataDir, httpPort: await freePort(), embeddedRedisPort: await freePort() };
    stack = await startStack(fixed);
    const chair = await login(stack.baseUrl, 'chair');
    const { body } = await api<{ meeting: { id: string } }>(stack.baseUrl, chair.token, 'POST', '/api/meetings', {
      title: '重启测试会议',
      invitedVenueIds: ['tw03'],
    });
    const meetingId = body.meeting.id;
    const hall = await launchVenue(stack.baseUrl);
    const township = await launchVenue(stack.baseUrl);
    browsers.push(hall, township);
    await loginThroughUi(hall.page, stack.baseUrl, 'chair');
    await loginThroughUi(township.page, stack.baseUrl, 'tw03');
    await joinThroughUi(hall.page, meetingId);
    await joinThroughUi(township.page, meetingId);
    await waitForLiveMedia(hall.page, 'tw03');
    // The chair broadcasts tw03, mutes it, and puts up a 1+5 multi-picture with tw03 in the big pane.
    await hall.page.getByTestId('chair-broadcast-tw03').click();
    await hall.page.getByTestId('chair-mute-tw03').click();
    await hall.page.getByTestId('chair-select-tw03').check();
    await hall.page.getByTestId('chair-select-hall').check();
    await hall.page.getByTestId('chair-layout-kind').selectOption('1+5');
    await hall.page.getByTestId('chair-layout-apply').click();
    await expect.poll(() => township.page.getByTestId('screen').getAttribute('data-layout')).toBe('1+5');
    const admin = await login(stack.baseUrl, 'admin');
    const controlOf = async () =>
      (await api<{ control: { broadcast: string | null; muted: string[]; layout: { kind: string; panes: (string | null)[] } | null } | null }>(
        stack!.baseUrl, admin.token, 'GET', `/api/admin/meetings/${meetingId}/media`)).body.control;
    const before = await controlOf();
    expect(before).toMatchObject({ broadcast: 'tw03', muted: ['tw03'], layout: { kind: '1+5', panes: ['tw03', 'hall'] } });
    const oldTracks = (await tileMedia(hall.page, 'tw03')).trackIds;

    await stack.close();
    stack = undefined;
    await hall.page.locator('[data-testid="meeting-page"][data-status="reconnecting"]').waitFor({ timeout: 10_000 });
    stack = await startStack(fixed);

    await hall.page.locator('[data-testid="meeting-page"][data-status="joined"]').waitFor({ timeout: 20_000 });
    await expect
      .poll(async () => (await tileMedia(hall.page, 'tw03')).trackIds.some((id) => !oldTracks.includes(id)), { timeout: 20_000 })
      .toBe(true);
    await waitForVideo(hall.page, 'tw03');
    await waitForLiveMedia(township.page, 'hall');
    const meetings = await api<{ meetings: { id: string; present: number }[] }>(stack.baseUrl, chair.token, 'GET', '/api/meetings');
    expect(meetings.body.meetings.find((m) => m.id === meetingId)?.present).toBe(2);
    // Same layout, broadcast and mute state as before the restart, applied to the media again.
    expect(await controlOf()).toEqual(before);
    expect(await township.page.getByTestId('screen').getAttribute('data-layout')).toBe('1+5');
    expect(await hall.page.getByTestId('status-tw03').getAttribute('data-muted')).toBe('true');
    const a = (await tileMedia(hall.page, 'tw03')).audioBytes;
    await new Promise((r) => setTimeout(r, 1000));
    expect((await tileMedia(hall.page, 'tw03')).audioBytes).toBe(a);
  });
});
