import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, connectSocket, login, request, startStack, type Stack } from './helpers/stack.ts';
import { readAuditRecords } from './helpers/audit.ts';
import {
  cameraSsrcs,
  joinThroughUi,
  launchVenue,
  loginThroughUi,
  programmeSource,
  tileMedia,
  waitForLiveMedia,
  waitForVideo,
  type VenueBrowser,
} from './helpers/browser.ts';

/** The venue ids shown in the main screen's panes of a page, in pane order. */
async function screenVenues(page: Page): Promise<string[]> {
  return page.locator('[data-testid="screen"] > figure').evaluateAll((els) => els.map((el) => el.getAttribute('data-venue') ?? ''));
}

/**
 * Waits until the page's main screen shows exactly these venues and every one of them decodes. A
 * pane playing the programme must carry that venue's own camera (its SSRC as the stream's CSRC).
 */
async function expectScreen(page: Page, venues: string[], timeout = 10_000): Promise<void> {
  await expect.poll(() => screenVenues(page), { timeout }).toEqual(venues);
  for (const v of venues) await waitForVideo(page, v);
  for (const v of venues) {
    if (!(await isProgramme(page, v))) continue;
    const own = await cameraSsrcs(sourcePages.get(v)!);
    await expect.poll(() => programmeSource(page, v), { timeout: 5_000 }).toBeOneOf(own);
  }
}

/** Whether a venue's pane plays the meeting's programme stream (switched server-side). */
async function isProgramme(page: Page, venueId: string): Promise<boolean> {
  return (await page.locator(`[data-testid="tile-${venueId}"][data-programme="true"]`).count()) === 1;
}

/** Each venue's page, for reading what its camera sends. */
const sourcePages = new Map<string, Page>();

/** Audio bytes received from a venue on a page, sampled every 100 ms; returns when they last rose. */
async function audioStopsAt(page: Page, venueId: string, watchMs: number): Promise<number | null> {
  let last = (await tileMedia(page, venueId)).audioBytes;
  let lastRise: number | null = null;
  const end = Date.now() + watchMs;
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, 100));
    const now = (await tileMedia(page, venueId)).audioBytes;
    if (now > last) lastRise = Date.now();
    last = now;
  }
  return lastRise;
}

async function audioFlowing(page: Page, venueId: string): Promise<boolean> {
  const a = (await tileMedia(page, venueId)).audioBytes;
  await new Promise((r) => setTimeout(r, 600));
  return (await tileMedia(page, venueId)).audioBytes > a;
}

describe('chair control of a county meeting in real Chromium', () => {
  let stack: Stack;
  let meetingId: string;
  const b: Record<string, VenueBrowser> = {};
  const venues = ['hall', 'tw01', 'tw02', 'tw03', 'd015'] as const;
  const users: Record<string, string> = { hall: 'chair', tw01: 'tw01', tw02: 'tw02', tw03: 'tw03', d015: 'd015' };
  const page = (v: string) => b[v]!.page;
  const chair = () => page('hall');
  const click = (testId: string) => chair().getByTestId(testId).click();

  beforeAll(async () => {
    stack = await startStack();
    const { token } = await login(stack.baseUrl, 'chair');
    const created = await api<{ meeting: { id: string } }>(stack.baseUrl, token, 'POST', '/api/meetings', {
      title: '全县防汛调度会',
      invitedVenueIds: ['tw01', 'tw02', 'tw03', 'd015'],
    });
    meetingId = created.body.meeting.id;
    for (const v of venues) {
      b[v] = await launchVenue(stack.baseUrl, { lowRes: true });
      await loginThroughUi(page(v), stack.baseUrl, users[v]!);
      await joinThroughUi(page(v), meetingId);
      sourcePages.set(v, page(v));
    }
    for (const v of venues) if (v !== 'hall') await waitForLiveMedia(chair(), v);
  }, 180_000);

  afterAll(async () => {
    for (const v of Object.values(b)) await v.close();
    await stack?.close();
  });

  it('mutes a township server-side within a second, and the township cannot unmute itself', async () => {
    expect(await audioFlowing(page('tw02'), 'tw01')).toBe(true);
    const clickedAt = Date.now();
    await click('chair-mute-tw01');
    const stops = await Promise.all(['tw02', 'd015', 'hall'].map((v) => audioStopsAt(page(v), 'tw01', 2500)));
    for (const stoppedAt of stops) expect((stoppedAt ?? clickedAt) - clickedAt).toBeLessThanOrEqual(1000);
    await expect.poll(() => chair().getByTestId('status-tw01').getAttribute('data-muted')).toBe('true');

    await page('tw01').getByTestId('mic-toggle').click(); // mute itself
    await page('tw01').getByTestId('mic-toggle').click(); // and try to unmute
    await expect.poll(() => page('tw01').getByTestId('meeting-notice').getAttribute('data-key')).toBe('meeting.mutedByChair');
    expect(await audioFlowing(page('tw02'), 'tw01')).toBe(false);
  });

  it('brings a raised hand to the chair, and giving the floor unmutes that venue', async () => {
    await page('tw01').getByTestId('hand-toggle').click();
    await chair().getByTestId('hand-tw01').waitFor({ timeout: 5_000 });
    await click('chair-floor-tw01');
    await chair().getByTestId('hand-tw01').waitFor({ state: 'detached', timeout: 5_000 });
    await expect.poll(() => chair().getByTestId('status-tw01').getAttribute('data-muted')).toBe('false');
    await page('tw01').getByTestId('mic-toggle').click(); // its own microphone back on
    await expect.poll(() => audioFlowing(page('tw02'), 'tw01'), { timeout: 5_000 }).toBe(true);
  });

  it('roll call shows the called venue on every screen and only it and the chair are audible', async () => {
    await click('chair-rollcall-tw02');
    for (const v of ['hall', 'tw01', 'tw03', 'd015']) {
      await expectScreen(page(v), ['tw02']);
      expect(await isProgramme(page(v), 'tw02')).toBe(true);
    }
    await expectScreen(page('tw02'), ['hall']);
    await expect.poll(() => audioFlowing(page('d015'), 'tw03'), { timeout: 3_000 }).toBe(false);
    expect(await audioFlowing(page('d015'), 'tw02')).toBe(true);
    expect(await audioFlowing(page('d015'), 'hall')).toBe(true);

    await click('chair-end-rollcall');
    await expect.poll(() => screenVenues(page('d015'))).toEqual(['hall', 'tw01', 'tw02', 'tw03']);
    await expect.poll(() => audioFlowing(page('d015'), 'tw03'), { timeout: 3_000 }).toBe(true);
  });

  it('broadcast switches every venue main picture to the chosen venue', async () => {
    await click('chair-broadcast-d015');
    for (const v of ['hall', 'tw01', 'tw02', 'tw03']) {
      await expectScreen(page(v), ['d015']);
      expect(await isProgramme(page(v), 'd015')).toBe(true);
    }
    await expectScreen(page('d015'), ['hall']);
  });

  it('views a venue on the chair screen without changing the broadcast', async () => {
    await click('chair-view-tw03');
    await expectScreen(chair(), ['tw03']);
    await expectScreen(page('tw01'), ['d015']);
    await click('chair-clear-view');
    await expectScreen(chair(), ['d015']);
    await click('chair-stop-broadcast');
  });

  it('shows four decoding panes in a 2×2 layout on every screen', async () => {
    for (const v of ['tw01', 'tw02', 'tw03', 'd015']) await chair().getByTestId(`chair-select-${v}`).check();
    await chair().getByTestId('chair-layout-kind').selectOption('2x2');
    await click('chair-layout-apply');
    await expectScreen(chair(), ['tw01', 'tw02', 'tw03', 'd015']);
    await expect.poll(() => page('tw02').getByTestId('screen').getAttribute('data-layout')).toBe('2x2');
    await click('chair-layout-clear');
  });

  it('polls the broadcast over three venues every 2 s, with pause and skip', async () => {
    await chair().getByTestId('chair-select-d015').uncheck();
    await chair().getByTestId('chair-polling-interval').fill('2');
    await click('chair-polling-start');
    // Sample from the first polled picture on: until the new state arrives d015 still shows the gallery.
    await expect.poll(() => screenVenues(page('d015')), { timeout: 5_000 }).toEqual(['tw01']);
    const seen: string[] = ['tw01'];
    const end = Date.now() + 7_000;
    while (Date.now() < end) {
      const [shown] = await screenVenues(page('d015'));
      if (shown && shown !== seen.at(-1)) seen.push(shown);
      await new Promise((r) => setTimeout(r, 150));
    }
    expect(seen.slice(0, 4)).toEqual(['tw01', 'tw02', 'tw03', 'tw01']);
    expect(await chair().getByTestId('polling-next').textContent()).toBeTruthy();

    await click('chair-polling-pause');
    const [paused] = await screenVenues(page('d015'));
    await new Promise((r) => setTimeout(r, 2_500));
    expect((await screenVenues(page('d015')))[0]).toBe(paused);
    await click('chair-polling-skip');
    await expect.poll(async () => (await screenVenues(page('d015')))[0]).not.toBe(paused);
    await click('chair-polling-stop');
  });

  it('switches the broadcast to the active speaker with voice-activated switching', async () => {
    if (await chair().getByTestId('chair-stop-broadcast').count()) await click('chair-stop-broadcast');
    await expect.poll(async () => (await screenVenues(page('tw01'))).length).toBe(4); // gallery: nobody broadcast
    await click('chair-voice-toggle');
    // Every venue's fake microphone beeps; the SFU's active speaker observer picks one of them.
    await expect.poll(async () => (await screenVenues(page('tw01'))).length, { timeout: 10_000 }).toBe(1);
    const [speaker] = await screenVenues(page('tw01'));
    expect(['hall', 'tw02', 'tw03', 'd015']).toContain(speaker);
    await click('chair-voice-toggle');
    await click('chair-stop-broadcast');
    await expect.poll(async () => (await screenVenues(page('tw01'))).length).toBe(4);
  });

  it('shows each venue packet loss and round-trip time on the chair status board', async () => {
    for (const v of ['tw01', 'tw02', 'tw03', 'd015']) {
      const row = chair().getByTestId(`status-${v}`);
      await expect.poll(() => row.getAttribute('data-rtt'), { timeout: 10_000 }).toMatch(/^\d+$/);
      expect(await row.getAttribute('data-loss')).toMatch(/^\d+(\.\d+)?$/);
      expect(await row.getAttribute('data-online')).toBe('true');
    }
  });

  it('refuses every chair action from a venue operator with 403', async () => {
    const { token } = await login(stack.baseUrl, 'tw03');
    const socket = await connectSocket(stack.baseUrl, token);
    try {
      // The operator joins from a second connection (taking over tw03's presence) and tries chair commands.
      const joined = await request(socket, 'meeting.join', { meetingId });
      expect(joined.ok).toBe(true);
      const commands = [
        { type: 'muteAll', muted: true },
        { type: 'mute', venueIds: ['tw01'], muted: true },
        { type: 'rollCall', venueId: 'tw03' },
        { type: 'broadcast', venueId: 'tw03' },
        { type: 'view', layout: { kind: '1', panes: ['tw01'] } },
        { type: 'layout', layout: { kind: '2x2', panes: ['tw01'] } },
        { type: 'startPolling', venueIds: ['tw01', 'tw02'], intervalS: 5 },
        { type: 'giveFloor', venueId: 'tw03' },
        { type: 'remove', venueId: 'tw01' },
        { type: 'lock', locked: true },
        { type: 'end' },
      ];
      for (const command of commands) {
        const ack = await request(socket, 'chair.command', { command });
        expect(ack, command.type).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      }
    } finally {
      socket.close();
    }
    expect(await chair().getByTestId('status-tw01').getAttribute('data-muted')).toBe('false');

    // Both what the chair did and what the operator tried are in the audit log, with who and from where.
    const entries = (await readAuditRecords(stack.server.redis)).map((r) => JSON.parse(r.fields.entry!) as Record<string, string>);
    expect(entries).toContainEqual(expect.objectContaining({ actor: 'chair', action: 'chair.mute', source: expect.stringMatching(/127\.0\.0\.1/) }));
    expect(entries).toContainEqual(expect.objectContaining({ actor: 'tw03', action: 'chair.muteAll.refused' }));
    expect((await stack.server.audit.verify()).ok).toBe(true);
  });

  it('removes a venue, which cannot come back, and a locked meeting admits nobody new', async () => {
    await click('chair-remove-d015');
    await expect.poll(() => page('d015').getByTestId('meeting-notice').getAttribute('data-key')).toBe('meeting.removed');
    await expect.poll(() => chair().getByTestId('status-d015').getAttribute('data-online')).toBe('false');
    const d015 = await login(stack.baseUrl, 'd015');
    const socket = await connectSocket(stack.baseUrl, d015.token);
    try {
      expect(await request(socket, 'meeting.join', { meetingId })).toMatchObject({ ok: false, error: { code: 'meeting_locked' } });
    } finally {
      socket.close();
    }

    await click('chair-lock-toggle');
    await page('tw02').getByTestId('leave-meeting').click();
    await page('tw02').getByTestId(`join-${meetingId}`).click();
    await expect.poll(() => page('tw02').getByTestId('meeting-notice').getAttribute('data-code')).toBe('meeting_locked');
    await click('chair-lock-toggle');
    await page('tw02').getByTestId(`join-${meetingId}`).click();
    await page('tw02').locator('[data-testid="meeting-page"][data-status="joined"]').waitFor({ timeout: 20_000 });
  });

  it('ends the meeting for every venue', async () => {
    await click('chair-end-meeting');
    for (const v of ['tw01', 'tw02']) {
      await expect.poll(() => page(v).getByTestId('meeting-notice').getAttribute('data-key')).toBe('meeting.ended');
    }
    const { token } = await login(stack.baseUrl, 'tw01');
    const meetings = await api<{ meetings: { id: string; status: string }[] }>(stack.baseUrl, token, 'GET', '/api/meetings');
    expect(meetings.body.meetings.find((m) => m.id === meetingId)?.status).toBe('ended');
  });
});
