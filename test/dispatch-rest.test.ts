import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import type { Incident, Task } from '../signaling/src/protocol/dispatch.ts';
import { keys } from '../signaling/src/store/keys.ts';
import { waitFor } from '../signaling/src/sms/testKit.ts';
import { startDispatchHarness, type DispatchHarness } from '../signaling/src/dispatch/testKit.ts';

/**
 * The dispatch REST API refuses bad input and wrong callers with a clear error, and such a request
 * changes nothing: every dispatch and SMS key in Redis and the audit log are as they were.
 */

type Body = Record<string, unknown> & { code?: string; message?: string };

let h: DispatchHarness;
let tokens: Record<string, string>;
let incident: Incident;
let waterTask: Task;

async function call(token: string | null, method: string, path: string, body?: unknown, raw?: string): Promise<{ status: number; body: Body }> {
  const res = await fetch(`${h.baseUrl}/api/dispatch${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined || raw ? { 'content-type': 'application/json' } : {}) },
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  return { status: res.status, body: (await res.json()) as Body };
}

/** Every dispatch and SMS key with its value, and the audit log's length and head. */
async function snapshot(redis: Redis): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const names = [...(await redis.keys('yl:dispatch:*')), ...(await redis.keys('yl:sms:*'))].sort();
  for (const key of names) {
    const type = await redis.type(key);
    out[key] =
      type === 'string' ? await redis.get(key)
      : type === 'hash' ? await redis.hgetall(key)
      : type === 'list' ? await redis.lrange(key, 0, -1)
      : type === 'set' ? (await redis.smembers(key)).sort()
      : type === 'zset' ? await redis.zrange(key, 0, -1, 'WITHSCORES')
      : type === 'stream' ? await redis.xlen(key)
      : type;
  }
  out.auditLength = await redis.xlen(keys.audit);
  out.auditHead = await redis.get(keys.auditHead);
  return out;
}

async function expectRefused(
  token: string | null,
  method: string,
  path: string,
  body: unknown,
  status: number,
  message: RegExp,
  raw?: string,
): Promise<void> {
  const before = await snapshot(h.redis);
  const res = await call(token, method, path, body, raw);
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body.message).toMatch(message);
  expect(await snapshot(h.redis)).toEqual(before);
}

beforeAll(async () => {
  h = await startDispatchHarness();
  tokens = {};
  for (const user of ['dispatcher', 'l-d024', 'l-d015', 'd041', 'tw01', 'chair']) tokens[user] = await h.login(user);
  const created = await call(tokens.dispatcher!, 'POST', '/incidents', {
    type: 'flood', level: 'II', locationText: '城关镇滨河路河堤', description: '河水漫堤',
  });
  expect(created.status).toBe(201);
  incident = created.body.incident as Incident;
  const assigned = await call(tokens.dispatcher!, 'POST', `/incidents/${incident.id}/tasks`, { departmentIds: ['d024', 'd041'] });
  expect(assigned.status).toBe(201);
  waterTask = (assigned.body.tasks as Task[])[0]!;
  // Let the two task notices reach the SMSC and their receipts come back, so the SMS keys are still.
  await waitFor(async () => {
    const broadcasts = await h.sms.listBroadcasts();
    return broadcasts.length === 2 && broadcasts.every((b) => b.done);
  }, 10_000, 'the task notices to be delivered');
});

afterAll(async () => {
  await h.close();
});

describe('dispatch REST API: bad input changes nothing', () => {
  it('refuses malformed incidents with a 400 naming the field', async () => {
    const d = tokens.dispatcher!;
    await expectRefused(d, 'POST', '/incidents', { type: 'flood', level: 'II' }, 400, /locationText/);
    await expectRefused(d, 'POST', '/incidents', { type: 'meteor', level: 'II', locationText: 'x' }, 400, /type/);
    await expectRefused(d, 'POST', '/incidents', { type: 'flood', level: 'V', locationText: 'x' }, 400, /level/);
    await expectRefused(d, 'POST', '/incidents', { type: 'flood', level: 'I', locationText: 'x', description: '水'.repeat(2001) }, 400, /description/);
    await expectRefused(d, 'POST', '/incidents', { type: 'flood', level: 'I', locationText: 'x', coordinates: { lat: 120, lon: 0 } }, 400, /lat/);
    await expectRefused(d, 'POST', '/incidents', undefined, 400, /not valid JSON/, '{"type": "flood",');
  });

  it('refuses unknown departments and bad department lists', async () => {
    const d = tokens.dispatcher!;
    const path = `/incidents/${incident.id}/tasks`;
    await expectRefused(d, 'POST', path, { departmentIds: ['d999'] }, 400, /unknown department\(s\): d999/);
    await expectRefused(d, 'POST', path, { departmentIds: ['d015', 'hall'] }, 400, /unknown department\(s\): hall/);
    await expectRefused(d, 'POST', path, { departmentIds: [] }, 400, /at least one department/);
    await expectRefused(d, 'POST', path, { departmentIds: ['d015', 'd015'] }, 400, /listed twice/);
    await expectRefused(d, 'POST', path, { departmentIds: ['d024'] }, 409, /县水利局 already has an open task/);
    await expectRefused(d, 'POST', '/incidents/no-such-incident/tasks', { departmentIds: ['d015'] }, 404, /no such incident/);
  });

  it('refuses illegal state transitions with a 409 and closing without a reason with a 400', async () => {
    const d = tokens.dispatcher!;
    const path = `/incidents/${incident.id}/actions`;
    await expectRefused(d, 'POST', path, { action: 'verify' }, 409, /cannot verify incident .* it is dispatched/);
    await expectRefused(d, 'POST', path, { action: 'reopen' }, 409, /only a resolved or closed incident can be reopened/);
    await expectRefused(d, 'POST', path, { action: 'close' }, 400, /needs a reason/);
    await expectRefused(d, 'POST', path, { action: 'explode' }, 400, /action/);
    await expectRefused(tokens['l-d024']!, 'POST', `/tasks/${waterTask.id}/actions`, { action: 'accept' }, 409, /cannot accept task .* it is notified/);
    await expectRefused(tokens['l-d024']!, 'POST', `/tasks/${waterTask.id}/actions`, { action: 'report' }, 400, /report needs its text/);
  });

  it("refuses a liaison or operator acting on another department's task with a 403", async () => {
    const path = `/tasks/${waterTask.id}/actions`;
    await expectRefused(tokens['l-d015']!, 'POST', path, { action: 'acknowledge' }, 403, /belongs to 县水利局/);
    await expectRefused(tokens.d041!, 'POST', path, { action: 'acknowledge' }, 403, /belongs to 县水利局/);
    await expectRefused(tokens.tw01!, 'POST', path, { action: 'acknowledge' }, 403, /only 县水利局's liaison/);
    await expectRefused(tokens.dispatcher!, 'POST', path, { action: 'acknowledge' }, 403, /only 县水利局's liaison/);
    await expectRefused(tokens['l-d024']!, 'POST', path, { action: 'close' }, 403, /only a dispatcher or an admin/);
  });

  it('keeps departments to their own incidents and dispatchers in charge of them', async () => {
    await expectRefused(tokens['l-d015']!, 'GET', `/incidents/${incident.id}`, undefined, 403, /no task for this incident/);
    await expectRefused(tokens['l-d024']!, 'POST', '/incidents', { type: 'fire', level: 'IV', locationText: 'x' }, 403, /only a dispatcher/);
    await expectRefused(tokens.chair!, 'POST', `/incidents/${incident.id}/meeting`, {}, 403, /only a dispatcher/);
    await expectRefused(tokens.tw01!, 'GET', '/tasks/mine', undefined, 403, /does not act for a department/);
    await expectRefused(null, 'GET', '/incidents', undefined, 401, /log in/);
    const own = await call(tokens['l-d024']!, 'GET', `/incidents/${incident.id}`);
    expect(own.status).toBe(200);
    expect((own.body.tasks as Task[]).map((t) => t.departmentId)).toEqual(['d024']);
    expect(own.body.timeline).toEqual([]);
  });

  it('refuses rosters with bad phone numbers, days or departments', async () => {
    const d = tokens.dispatcher!;
    const good = { leader: { name: '王建国', phone: '13900240101' }, liaison: { name: '李芳', phone: '+86 139-0024-0102' } };
    await expectRefused(d, 'PUT', '/rosters/2026-01-22/d024', { ...good, liaison: { name: '李芳', phone: '12345' } }, 400, /liaison: "12345" is not a mainland mobile number/);
    await expectRefused(d, 'PUT', '/rosters/2026-01-22/d024', { ...good, leader: { name: '', phone: '13900240101' } }, 400, /name is required/);
    await expectRefused(d, 'PUT', '/rosters/22-01-2026/d024', good, 400, /YYYY-MM-DD/);
    await expectRefused(d, 'PUT', '/rosters/2026-01-22/d999', good, 400, /unknown department/);
    await expectRefused(tokens['l-d024']!, 'PUT', '/rosters/2026-01-22/d024', good, 403, /only a dispatcher/);
    await expectRefused(d, 'GET', '/report?from=2026-02-01&to=2026-01-01', undefined, 400, /ends before it starts/);
    await expectRefused(d, 'GET', '/report?from=2024-01-01&to=2026-01-01', undefined, 400, /longer than a year/);

    const before = await h.redis.xlen(keys.audit);
    const saved = await call(d, 'PUT', '/rosters/2026-01-22/d024', good);
    expect(saved.status).toBe(200);
    expect(saved.body.roster).toMatchObject({ liaison: { phone: '13900240102' } });
    expect(await h.redis.xlen(keys.audit)).toBe(before + 1);
  });

  it('records an accepted step in the state and the audit log (the snapshot does see changes)', async () => {
    const before = await snapshot(h.redis);
    const res = await call(tokens['l-d024']!, 'POST', `/tasks/${waterTask.id}/actions`, { action: 'acknowledge' });
    expect(res.status).toBe(200);
    expect(res.body.task).toMatchObject({ state: 'acknowledged', acknowledgedVia: 'console' });
    const after = await snapshot(h.redis);
    expect(after).not.toEqual(before);
    expect(Number(after.auditLength)).toBe(Number(before.auditLength) + 1);
    const mine = await call(tokens['l-d024']!, 'GET', '/tasks/mine');
    expect((mine.body.tasks as { task: Task }[])[0]!.task.state).toBe('acknowledged');
  });
});
