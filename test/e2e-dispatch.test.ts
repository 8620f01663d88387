import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentDetail, Task } from '../signaling/src/protocol/dispatch.ts';
import { demoPerson, demoRoster } from '../signaling/src/dispatch/seed.ts';
import { startDispatchHarness, type DispatchHarness } from '../signaling/src/dispatch/testKit.ts';
import { localDay } from '../signaling/src/dispatch/time.ts';
import { waitFor } from '../signaling/src/sms/testKit.ts';
import { launchVenue, loginThroughUi, type VenueBrowser } from './helpers/browser.ts';

/**
 * The dispatch flow of issue 5 in real Chromium, against the real SMS layer and SMPP simulator:
 * a dispatcher reports a level II flood and assigns fire, water and police; the duty liaisons get
 * the Chinese SMS intact (in parts); fire acknowledges in the console, water by SMS reply; police
 * does not and escalates; an emergency meeting is started from the incident; the incident is
 * closed; the timeline shows it all.
 *
 * The console is the real DispatchPage with the real store, login page and header, built by
 * Vite into a small harness page until App.tsx routes to DispatchPage; the server side is the
 * dispatch router with the real AuthService, MeetingService and SmsService (signaling/src/dispatch/testKit.ts).
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const consoleRoot = path.resolve(here, '../console');
const HARNESS = '/src/features/dispatch/e2eHarness/index.html';

const quick = { acknowledgeMs: 3_600_000, reportMs: 7_200_000, escalationStepMs: 3_600_000 };
const CONFIG = {
  deadlines: { I: quick, II: { acknowledgeMs: 6_000, reportMs: 600_000, escalationStepMs: 1_500 }, III: quick, IV: quick },
  followUpIntervalMs: 3_600_000,
};

const INSTRUCTIONS = '立即组织力量转移滨河路沿线低洼地带群众，设置警戒区域，做好抢险物资准备，并每半小时向指挥中心报告一次水位与转移人数。';

let dist: string;
let h: DispatchHarness;
let dispatcherBrowser: VenueBrowser;
let fireBrowser: VenueBrowser;

beforeAll(async () => {
  dist = await mkdtemp(path.join(os.tmpdir(), 'yilian-dispatch-console-'));
  await build({
    root: consoleRoot,
    configFile: false,
    logLevel: 'error',
    base: '/',
    build: { outDir: dist, emptyOutDir: true, chunkSizeWarningLimit: 5000, rollupOptions: { input: path.join(consoleRoot, HARNESS) } },
  });
  h = await startDispatchHarness(CONFIG, { staticDir: dist });
  [dispatcherBrowser, fireBrowser] = await Promise.all([launchVenue(h.baseUrl), launchVenue(h.baseUrl)]);
  await Promise.all([
    loginThroughUi(dispatcherBrowser.page, `${h.baseUrl}${HARNESS}`, 'dispatcher'),
    loginThroughUi(fireBrowser.page, `${h.baseUrl}${HARNESS}`, 'l-d041'),
  ]);
});

afterAll(async () => {
  await Promise.all([dispatcherBrowser?.close(), fireBrowser?.close()]);
  await h?.close();
  if (dist) await rm(dist, { recursive: true, force: true });
});

describe('dispatch end to end in Chromium with the SMPP simulator', () => {
  it('runs a flood incident from report to close: SMS, console and SMS acknowledgements, escalation, emergency meeting, timeline', async () => {
    const page = dispatcherBrowser.page;
    const today = localDay(Date.now(), 480);
    const duty = { fire: demoRoster(41, 'd041', today), water: demoRoster(24, 'd024', today), police: demoRoster(15, 'd015', today) };

    // Report a level II flood.
    await page.getByTestId('incident-new').click();
    await page.getByTestId('incident-type').selectOption('flood');
    await page.getByTestId('incident-level').selectOption('II');
    await page.getByTestId('incident-title').fill('滨河路河堤漫堤');
    await page.getByTestId('incident-location').fill('城关镇滨河路河堤');
    await page.getByTestId('incident-description').fill('持续强降雨，河水漫过堤顶，低洼处积水约一米。');
    await page.getByTestId('incident-submit').click();
    const detail = page.getByTestId('incident-detail');
    await detail.waitFor();
    const incidentId = (await detail.getAttribute('data-incident-id'))!;

    // Assign fire, water and police.
    for (const id of ['d041', 'd024', 'd015']) await page.getByTestId(`assign-dept-${id}`).check();
    await page.getByTestId('assign-instructions').fill(INSTRUCTIONS);
    await page.getByTestId('assign-submit').click();
    await page.locator('[data-testid="task-row-d015"][data-state="notified"]').waitFor();

    // Both duty liaisons receive the Chinese text intact, sent as a long message in parts.
    await waitFor(() => h.simulator.countTo(duty.fire.liaison.phone) === 1 && h.simulator.countTo(duty.water.liaison.phone) === 1, 10_000, 'task notices at the SMSC');
    const token = await h.login('dispatcher');
    const view = async (): Promise<IncidentDetail> =>
      (await (await fetch(`${h.baseUrl}/api/dispatch/incidents/${incidentId}`, { headers: { authorization: `Bearer ${token}` } })).json()) as IncidentDetail;
    const sent = (await view()).timeline.filter((e) => e.kind === 'sms.queued' && e.data.purpose === 'task.notice');
    const taskOf = async (departmentId: string): Promise<Task> => (await view()).tasks.find((t) => t.departmentId === departmentId)!;
    const fireTask = await taskOf('d041');
    for (const [phone, name] of [[duty.fire.liaison.phone, '县消防救援大队'], [duty.water.liaison.phone, '县水利局']] as const) {
      const [message] = h.simulator.messagesTo(phone);
      expect(sent.map((e) => e.data.text)).toContain(message!.text);
      expect(message!.text).toContain(name);
      expect(message!.text).toContain(INSTRUCTIONS);
      expect(message!.parts).toBeGreaterThan(1);
      expect(message!.dataCoding).toBe(8);
    }

    // Fire acknowledges in the console; water by replying "1" to the SMS.
    await fireBrowser.page.getByTestId(`dept-task-${fireTask.code}`).waitFor({ timeout: 10_000 });
    await fireBrowser.page.getByTestId(`dept-task-action-${fireTask.code}`).click();
    await fireBrowser.page.locator(`[data-testid="dept-task-${fireTask.code}"][data-state="acknowledged"]`).waitFor();
    await h.simulator.injectInbound({ from: `+86${duty.water.liaison.phone}`, to: h.centreNumber, text: '1' });
    await page.locator('[data-testid="task-row-d041"][data-state="acknowledged"]').waitFor({ timeout: 10_000 });
    await page.locator('[data-testid="task-row-d024"][data-state="acknowledged"]').waitFor({ timeout: 10_000 });
    expect(await taskOf('d024')).toMatchObject({ acknowledgedVia: 'sms' });
    expect(await taskOf('d041')).toMatchObject({ acknowledgedVia: 'console', escalationStep: 0 });

    // Police does not acknowledge: re-notified, then its head is texted; the console shows it.
    await page.locator('[data-testid="task-row-d015"]:is([data-escalation="2"], [data-escalation="3"])').waitFor({ timeout: 15_000 });
    await waitFor(() => h.simulator.countTo(duty.police.liaison.phone) === 2 && h.simulator.countTo(demoPerson(15, 1).phone) === 1, 5_000, 'escalation SMS');
    await page.getByTestId('dispatch-notices').waitFor();

    // One click: the emergency meeting invites the centre, the hall and the three departments.
    await page.getByTestId('meeting-start').click();
    const started = page.getByTestId('meeting-started');
    await started.waitFor();
    const meeting = await h.meetings.get((await started.getAttribute('data-meeting-id'))!);
    expect(meeting?.invitedVenueIds.sort()).toEqual(['d015', 'd024', 'd041', 'dispatch', 'hall']);
    await waitFor(() => h.simulator.messagesTo(duty.water.leader.phone).some((m) => m.text.includes('紧急视频会议')), 5_000, 'the meeting notice');

    // Close the incident; the timeline shows everything that happened.
    await page.getByTestId('incident-close-reason').fill('险情解除，群众已安全转移');
    await page.getByTestId('incident-action-close').click();
    await page.locator('[data-testid="incident-detail"][data-state="closed"]').waitFor();
    await page.locator('[data-testid="timeline-entry"][data-kind="meeting.started"]').waitFor();
    const kinds = await page.getByTestId('timeline-entry').evaluateAll((items) => items.map((li) => li.getAttribute('data-kind')));
    for (const kind of ['incident.reported', 'task.assigned', 'sms.queued', 'task.state', 'task.escalated', 'meeting.started', 'incident.state']) {
      expect(kinds, kind).toContain(kind);
    }
    const texts = await page.getByTestId('timeline').innerText();
    expect(texts).toContain('县水利局 任务');
    expect(texts).toContain('短信回复');
    expect(texts).toContain('第1级催办');
    expect(texts).toContain('召开应急视频会议');
    expect(texts).toContain('已关闭（险情解除，群众已安全转移）');
    expect(await h.audit.verify()).toMatchObject({ ok: true });
  });
});
