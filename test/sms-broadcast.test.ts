import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DutySheet } from '../signaling/src/protocol/dispatch.ts';
import type { Group } from '../signaling/src/protocol/index.ts';
import type { Broadcast, RecipientStatus } from '../signaling/src/sms/smsProtocol.ts';
import type { SmscSimulator } from '../signaling/src/sms/SmscSimulator.ts';
import { waitFor } from '../signaling/src/sms/testKit.ts';
import { readAuditRecords } from './helpers/audit.ts';
import { api, login, startStack, type Stack } from './helpers/stack.ts';

/**
 * SMS broadcast over REST against the real server and its embedded SMSC simulator: recipients
 * picked by department, group, roster and number reach the simulator exactly once each with the
 * Chinese text intact; bad input and wrong callers get a clear error and nothing is sent.
 */

type ErrorBody = { code: string; message: string };

let stack: Stack;
let simulator: SmscSimulator;
let sheet: DutySheet;
const tokens: Record<string, string> = {};

const liaisonOf = (id: string) => sheet.entries.find((e) => e.departmentId === id)!.liaison!.phone;

beforeAll(async () => {
  stack = await startStack();
  simulator = stack.server.messaging.simulator!;
  sheet = await stack.server.messaging.dispatch.dutySheet();
  for (const name of ['dispatcher', 'admin', 'chair', 'l-d041', 'd041']) tokens[name] = (await login(stack.baseUrl, name)).token;
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

async function nothingSent(send: () => Promise<void>): Promise<void> {
  const before = { submits: simulator.counts.submitSm, broadcasts: (await stack.server.messaging.sms.listBroadcasts(500)).length };
  await send();
  await new Promise((r) => setTimeout(r, 200));
  expect(simulator.counts.submitSm).toBe(before.submits);
  expect((await stack.server.messaging.sms.listBroadcasts(500)).length).toBe(before.broadcasts);
}

describe('SMS broadcast REST API', () => {
  it('sends one message to each resolved recipient, Chinese text intact, and reports each one delivered', async () => {
    const groups = await api<{ groups: Group[] }>(stack.baseUrl, tokens.dispatcher!, 'GET', '/api/groups');
    const emergency = groups.body.groups.find((g) => g.id === 'emergency')!;
    const extra = '13912345678';
    const text = '【情况通报】城关镇暴雨红色预警：请各部门值班人员立即到岗，做好防汛准备，加强巡查，发现险情第一时间上报县应急指挥中心。';
    const res = await api<{ broadcast: Broadcast }>(stack.baseUrl, tokens.dispatcher!, 'POST', '/api/sms/broadcasts', {
      text,
      recipients: { departments: ['d041', 'd024'], groups: ['emergency'], numbers: [extra, `+86 ${extra}`] },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const expected = new Set([...emergency.venueIds.filter((id) => sheet.entries.some((e) => e.departmentId === id && e.liaison)).map(liaisonOf), extra]);
    expect(res.body.broadcast.recipients).toBe(expected.size);
    const id = res.body.broadcast.id;

    await waitFor(async () => (await stack.server.messaging.sms.getBroadcast(id)).done, 20_000, 'every recipient to have a final status');
    for (const phone of expected) {
      const got = simulator.messagesTo(phone).filter((m) => m.text === text);
      expect(got, phone).toHaveLength(1);
    }
    const detail = await api<{ broadcast: Broadcast; recipients: RecipientStatus[] }>(stack.baseUrl, tokens.dispatcher!, 'GET', `/api/sms/broadcasts/${id}`);
    expect(detail.status).toBe(200);
    expect(new Set(detail.body.recipients.map((r) => r.to))).toEqual(expected);
    expect(detail.body.recipients.every((r) => r.status === 'delivered')).toBe(true);

    const list = await api<{ broadcasts: Broadcast[] }>(stack.baseUrl, tokens.admin!, 'GET', '/api/sms/broadcasts');
    const listed = list.body.broadcasts.find((b) => b.id === id)!;
    expect(listed.counts.delivered).toBe(expected.size);

    const audited = (await readAuditRecords(stack.server.redis))
      .map((r) => JSON.parse(r.fields.entry!) as { action: string; target: string; actor: string; after: { recipients: number } })
      .filter((e) => e.action === 'sms.broadcast' && e.target === `sms:${id}`);
    expect(audited).toHaveLength(1);
    expect(audited[0]!.actor).toBe('dispatcher');
    expect(audited[0]!.after.recipients).toBe(expected.size);
  }, 40_000);

  it('fills a template and sends it to everyone on today\'s roster of liaisons; the chair may send a meeting notice, as the template says it', async () => {
    const res = await api<{ broadcast: Broadcast }>(stack.baseUrl, tokens.chair!, 'POST', '/api/sms/broadcasts', {
      template: { id: 'meeting_notice', fields: { title: '防汛工作调度会', time: '今天15:00', place: '县政府三楼会议室' } },
      text: '主席自己写的其他内容',
      recipients: { roster: 'liaisons' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.broadcast.kind).toBe('meeting_notice');
    const liaisons = new Set(sheet.entries.flatMap((e) => (e.liaison ? [e.liaison.phone] : [])));
    expect(res.body.broadcast.recipients).toBe(liaisons.size);
    const text = '【会议通知】定于今天15:00在县政府三楼会议室召开防汛工作调度会，请准时参加。';
    await waitFor(() => [...liaisons].every((p) => simulator.messagesTo(p).some((m) => m.text === text)), 20_000, 'the meeting notice at every duty liaison');
    expect([...liaisons].some((p) => simulator.messagesTo(p).some((m) => m.text.includes('主席自己写的')))).toBe(false);
  }, 40_000);

  it('refuses an unknown department or group by name, and sends nothing', async () => {
    await nothingSent(async () => {
      const res = await api<ErrorBody>(stack.baseUrl, tokens.dispatcher!, 'POST', '/api/sms/broadcasts', { text: '测试', recipients: { departments: ['d041', 'd999'] } });
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/unknown department.*d999/);
    });
    await nothingSent(async () => {
      const res = await api<ErrorBody>(stack.baseUrl, tokens.dispatcher!, 'POST', '/api/sms/broadcasts', { text: '测试', recipients: { groups: ['nosuchgroup'] } });
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/unknown group.*nosuchgroup/);
    });
  });

  it('refuses no recipients, empty or oversize text and bad numbers with a clear 400, and sends nothing', async () => {
    const cases: [unknown, RegExp][] = [
      [{ text: '测试', recipients: {} }, /no recipients/],
      [{ text: '', recipients: { numbers: ['13912345678'] } }, /empty|text/i],
      [{ text: '长'.repeat(1_200), recipients: { numbers: ['13912345678'] } }, /long|characters|parts/i],
      [{ text: '测试', recipients: { numbers: ['12345'] } }, /12345/],
      [{ recipients: { numbers: ['13912345678'] } }, /text or a template/],
    ];
    for (const [body, message] of cases) {
      await nothingSent(async () => {
        const res = await api<ErrorBody>(stack.baseUrl, tokens.dispatcher!, 'POST', '/api/sms/broadcasts', body);
        expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
        expect(res.body.message).toMatch(message);
      });
    }
  });

  it('answers 403 to a liaison, an operator, and the chair sending anything but a meeting notice', async () => {
    for (const name of ['l-d041', 'd041', 'chair']) {
      await nothingSent(async () => {
        const res = await api<ErrorBody>(stack.baseUrl, tokens[name]!, 'POST', '/api/sms/broadcasts', { text: '测试', recipients: { numbers: ['13912345678'] } });
        expect(res.status, name).toBe(403);
      });
    }
    for (const name of ['l-d041', 'd041']) {
      const res = await api<ErrorBody>(stack.baseUrl, tokens[name]!, 'GET', '/api/sms/broadcasts');
      expect(res.status, name).toBe(403);
    }
  });
});
