import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentDetail, Task } from '../signaling/src/protocol/dispatch.ts';
import type { Meeting } from '../signaling/src/protocol/index.ts';
import { demoPerson, demoRoster } from '../signaling/src/dispatch/seed.ts';
import { localDay } from '../signaling/src/dispatch/time.ts';
import type { SmscSimulator } from '../signaling/src/sms/SmscSimulator.ts';
import { waitFor } from '../signaling/src/sms/testKit.ts';
import { launchVenue, loginThroughUi, type VenueBrowser } from './helpers/browser.ts';
import { api, login, startStack, type Stack } from './helpers/stack.ts';

/**
 * The dispatch flow of issue 5 (acceptance 1) against the real system: the server with its
 * embedded SMSC simulator as the carrier, Redis, the built console in real Chromium. A dispatcher
 * reports a level II flood and assigns fire, water and police; the duty liaisons get the Chinese
 * SMS intact (in parts); fire acknowledges in the console, water by SMS reply; police does not and
 * escalates; an emergency meeting is started from the incident and invites the departments'
 * venues; the incident is closed; the timeline (console and REST) shows it all.
 */

/** Level II gets short deadlines so that police escalates during the test; fire and water answer well within them. */
const LEVEL_II = { acknowledgeMs: 20_000, reportMs: 600_000, escalationStepMs: 2_000 };

const INSTRUCTIONS = '立即组织力量转移滨河路沿线低洼地带群众，设置警戒区域，做好抢险物资准备，并每半小时向指挥中心报告一次水位与转移人数。';

let stack: Stack;
let simulator: SmscSimulator;
let dispatcherBrowser: VenueBrowser;
let fireBrowser: VenueBrowser;

beforeAll(async () => {
  stack = await startStack({ dispatchDeadlines: { II: LEVEL_II } });
  const demoCarrier = stack.server.messaging.simulator;
  if (!demoCarrier) throw new Error('the stack runs without its embedded SMSC simulator');
  simulator = demoCarrier;
  [dispatcherBrowser, fireBrowser] = await Promise.all([launchVenue(stack.baseUrl), launchVenue(stack.baseUrl)]);
  await Promise.all([
    openDispatch(dispatcherBrowser, 'dispatcher'),
    openDispatch(fireBrowser, 'l-d041'),
  ]);
});

/** Logs in through the console; dispatchers and liaisons land on the dispatch tab. */
async function openDispatch(browser: VenueBrowser, username: string): Promise<void> {
  await loginThroughUi(browser.page, stack.baseUrl, username);
  await browser.page.getByTestId('dispatch-page').waitFor({ timeout: 15_000 });
  expect(await browser.page.getByTestId('tab-dispatch').getAttribute('class')).toBe('active');
}

afterAll(async () => {
  await Promise.all([dispatcherBrowser?.close(), fireBrowser?.close()]);
  await stack?.close();
});

describe('dispatch end to end in Chromium against the real server and its SMSC simulator', () => {
  it('runs a flood incident from report to close: SMS, console and SMS acknowledgements, escalation, emergency meeting, timeline', { timeout: 240_000 }, async () => {
    const page = dispatcherBrowser.page;
    const today = localDay(Date.now(), 480);
    const duty = { fire: demoRoster(41, 'd041', today), water: demoRoster(24, 'd024', today), police: demoRoster(15, 'd015', today) };
    const { token } = await login(stack.baseUrl, 'dispatcher');
    const view = async (id: string): Promise<IncidentDetail> => {
      const res = await api<IncidentDetail>(stack.baseUrl, token, 'GET', `/api/dispatch/incidents/${id}`);
      expect(res.status).toBe(200);
      return res.body;
    };
    const taskOf = async (id: string, departmentId: string): Promise<Task> => {
      const task = (await view(id)).tasks.find((t) => t.departmentId === departmentId);
      if (!task) throw new Error(`no task for ${departmentId}`);
      return task;
    };

    // The dispatcher reports a level II flood.
    await page.getByTestId('incident-new').click();
    await page.getByTestId('incident-type').selectOption('flood');
    await page.getByTestId('incident-level').selectOption('II');
    await page.getByTestId('incident-title').fill('滨河路河堤漫堤');
    await page.getByTestId('incident-location').fill('城关镇滨河路河堤');
    await page.getByTestId('incident-description').fill('持续强降雨，河水漫过堤顶，低洼处积水约一米。');
    await page.getByTestId('incident-submit').click();
    const detail = page.getByTestId('incident-detail');
    await detail.waitFor({ timeout: 15_000 });
    const incidentId = await detail.getAttribute('data-incident-id');
    if (!incidentId) throw new Error('the incident detail names no incident');
    expect(await view(incidentId)).toMatchObject({ incident: { type: 'flood', level: 'II', channel: 'console' } });

    // Assign fire, water and police.
    for (const id of ['d041', 'd024', 'd015']) await page.getByTestId(`assign-dept-${id}`).check();
    await page.getByTestId('assign-instructions').fill(INSTRUCTIONS);
    await page.getByTestId('assign-submit').click();
    await page.locator('[data-testid="task-row-d015"][data-state="notified"]').waitFor({ timeout: 15_000 });

    // Both duty liaisons receive the Chinese text intact at the SMSC, sent as a long message in parts.
    await waitFor(
      () => simulator.messagesTo(duty.fire.liaison.phone).length >= 1 && simulator.messagesTo(duty.water.liaison.phone).length >= 1,
      20_000,
      'task notices at the SMSC',
    );
    const queued = (await view(incidentId)).timeline.filter((e) => e.kind === 'sms.queued' && e.data.purpose === 'task.notice');
    for (const [phone, name] of [[duty.fire.liaison.phone, '县消防救援大队'], [duty.water.liaison.phone, '县水利局']] as const) {
      const received = simulator.messagesTo(phone);
      expect(received).toHaveLength(1);
      const message = received[0]!;
      expect(queued.map((e) => e.data.text)).toContain(message.text);
      expect(message.text).toContain(name);
      expect(message.text).toContain(INSTRUCTIONS);
      expect(message.parts).toBeGreaterThan(1);
      expect(message.dataCoding).toBe(8);
      expect(message.from).toBe(stack.server.config.smsCentreNumber);
    }

    // Fire acknowledges in the console (its liaison's own login); water by replying "1" to the SMS.
    const fireTask = await taskOf(incidentId, 'd041');
    const firePage = fireBrowser.page;
    await firePage.getByTestId(`dept-task-${fireTask.code}`).waitFor({ timeout: 20_000 });
    await firePage.getByTestId(`dept-task-action-${fireTask.code}`).click();
    await firePage.locator(`[data-testid="dept-task-${fireTask.code}"][data-state="acknowledged"]`).waitFor({ timeout: 15_000 });
    await simulator.injectInbound({ from: `+86${duty.water.liaison.phone}`, to: stack.server.config.smsCentreNumber, text: '1' });
    await page.locator('[data-testid="task-row-d041"][data-state="acknowledged"]').waitFor({ timeout: 20_000 });
    await page.locator('[data-testid="task-row-d024"][data-state="acknowledged"]').waitFor({ timeout: 20_000 });
    expect(await taskOf(incidentId, 'd024')).toMatchObject({ state: 'acknowledged', acknowledgedVia: 'sms' });
    expect(await taskOf(incidentId, 'd041')).toMatchObject({ state: 'acknowledged', acknowledgedVia: 'console', escalationStep: 0 });

    // Police does not acknowledge: past the deadline its liaison is texted again, then its head; the console shows it.
    await page.locator('[data-testid="task-row-d015"]:is([data-escalation="2"], [data-escalation="3"])').waitFor({ timeout: 90_000 });
    await waitFor(
      () => simulator.messagesTo(duty.police.liaison.phone).length >= 2 && simulator.messagesTo(demoPerson(15, 1).phone).length >= 1,
      20_000,
      'escalation SMS to the police liaison and head',
    );
    expect(simulator.messagesTo(duty.police.liaison.phone)).toHaveLength(2);
    await page.getByTestId('dispatch-notices').waitFor({ timeout: 15_000 });
    expect(await taskOf(incidentId, 'd024')).toMatchObject({ escalationStep: 0 });

    // One click: the emergency meeting invites the centre, the hall and the three departments' venues.
    await page.getByTestId('meeting-start').click();
    const started = page.getByTestId('meeting-started');
    await started.waitFor({ timeout: 20_000 });
    const meetingId = await started.getAttribute('data-meeting-id');
    if (!meetingId) throw new Error('the started meeting has no id');
    for (const venue of ['d015', 'd024', 'd041']) {
      const operator = await login(stack.baseUrl, venue);
      const { status, body } = await api<{ meetings: Meeting[] }>(stack.baseUrl, operator.token, 'GET', '/api/meetings');
      expect(status).toBe(200);
      const meeting = body.meetings.find((m) => m.id === meetingId);
      expect(meeting, `${venue} sees the meeting`).toBeDefined();
      expect([...meeting!.invitedVenueIds].sort()).toEqual(['d015', 'd024', 'd041', 'dispatch', 'hall']);
    }
    await waitFor(
      () => simulator.messagesTo(duty.water.leader.phone).some((m) => m.text.includes('紧急视频会议')),
      20_000,
      'the meeting notice to the water department duty leader',
    );

    // Close the incident; the timeline shows everything that happened, in the console and over REST.
    await page.getByTestId('incident-close-reason').fill('险情解除，群众已安全转移');
    await page.getByTestId('incident-action-close').click();
    await page.locator('[data-testid="incident-detail"][data-state="closed"]').waitFor({ timeout: 20_000 });
    await page.locator('[data-testid="timeline-entry"][data-kind="meeting.started"]').waitFor({ timeout: 20_000 });
    const expectedKinds = ['incident.reported', 'task.assigned', 'sms.queued', 'task.state', 'task.escalated', 'meeting.started', 'incident.state'];
    const kinds = await page.getByTestId('timeline-entry').evaluateAll((items) => items.map((li) => li.getAttribute('data-kind')));
    for (const kind of expectedKinds) expect(kinds, kind).toContain(kind);
    const texts = await page.getByTestId('timeline').innerText();
    expect(texts).toContain('县水利局 任务');
    expect(texts).toContain('短信回复');
    expect(texts).toContain('第1级催办');
    expect(texts).toContain('召开应急视频会议');
    expect(texts).toContain('已关闭（险情解除，群众已安全转移）');

    const final = await view(incidentId);
    expect(final.incident.state).toBe('closed');
    const restKinds = final.timeline.map((e) => e.kind);
    for (const kind of expectedKinds) expect(restKinds, kind).toContain(kind);
    expect(final.timeline.filter((e) => e.kind === 'task.escalated').length).toBeGreaterThanOrEqual(2);
    expect(final.timeline.some((e) => e.kind === 'meeting.started' && e.data.meetingId === meetingId)).toBe(true);
    expect(await stack.server.audit.verify()).toMatchObject({ ok: true });
  });
});
