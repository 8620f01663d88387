import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ack, Meeting } from '../signaling/src/protocol/index.ts';
import { keys } from '../signaling/src/store/keys.ts';
import { readAuditRecords } from './helpers/audit.ts';
import { api, connectSocket, login, request, startStack, type ClientSocket, type Stack } from './helpers/stack.ts';

type ErrorAck = Extract<Ack<unknown>, { ok: false }>;

function expectError(ack: Ack<unknown>, code: string): ErrorAck['error'] {
  expect(ack, JSON.stringify(ack).slice(0, 300)).toMatchObject({ ok: false, error: { code } });
  const { error } = ack as ErrorAck;
  expect(error.message.length).toBeGreaterThan(0);
  return error;
}

function expectOk<T = Record<string, unknown>>(ack: Ack<unknown>): T {
  expect(ack, JSON.stringify(ack).slice(0, 300)).toMatchObject({ ok: true });
  return (ack as { data: T }).data;
}

/** Like `request`, but a missing answer fails quickly and names the request. */
async function ask(socket: ClientSocket, method: string, data?: unknown): Promise<Ack<unknown>> {
  const s = (socket as unknown as Socket).timeout(3000);
  try {
    return (await (data === undefined ? s.emitWithAck(method) : s.emitWithAck(method, data))) as Ack<unknown>;
  } catch {
    throw new Error(`no answer to ${method} ${JSON.stringify(data)?.slice(0, 100)}`);
  }
}

/** Connects a venue's operator and returns the socket (closed after the file). */
async function venueSocket(stack: Stack, username: string, sockets: ClientSocket[]): Promise<ClientSocket> {
  const { token } = await login(stack.baseUrl, username);
  const socket = await connectSocket(stack.baseUrl, token);
  sockets.push(socket);
  return socket;
}

/** The connect_error a socket.io client gets when the server refuses its handshake. */
function refusedConnect(baseUrl: string, auth: Record<string, unknown>): Promise<Error & { data?: unknown }> {
  const socket: Socket = io(baseUrl, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => {
      socket.close();
      reject(new Error('the server accepted a socket it should have refused'));
    });
    socket.once('connect_error', (err) => {
      socket.close();
      resolve(err);
    });
  });
}

describe('security at the edges', () => {
  let stack: Stack;
  let seeded: Meeting;
  let chairToken: string;
  const sockets: ClientSocket[] = [];
  /** A second venue in the seeded meeting that must keep being served whatever the others send. */
  let bystander: ClientSocket;

  beforeAll(async () => {
    stack = await startStack();
    chairToken = (await login(stack.baseUrl, 'chair')).token;
    const list = await api<{ meetings: Meeting[] }>(stack.baseUrl, chairToken, 'GET', '/api/meetings');
    seeded = list.body.meetings.find((m) => m.createdBy === 'seed')!;
    expect(seeded).toBeDefined();
    bystander = await venueSocket(stack, 'tw04', sockets);
    expectOk(await request(bystander, 'meeting.join', { meetingId: seeded.id }));
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await stack?.close();
  });

  async function expectOthersStillServed(): Promise<void> {
    expect(bystander.connected).toBe(true);
    const transport = expectOk<{ id: string }>(await request(bystander, 'transport.create', { direction: 'recv' }));
    expect(transport.id).toMatch(/^[0-9a-f-]{36}$/);
    const health = await fetch(`${stack.baseUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, redis: true });
  }

  async function postRaw(pathname: string, body: string, token?: string): Promise<{ status: number; body: { code?: string } }> {
    const res = await fetch(`${stack.baseUrl}${pathname}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body,
    });
    return { status: res.status, body: (await res.json()) as { code?: string } };
  }

  describe('HTTP', () => {
    it('refuses a wrong password with 401 unauthorized and records the failed attempt in the audit log', async () => {
      const wrong = await postRaw('/api/login', JSON.stringify({ username: 'tw01', password: 'guess-123' }));
      expect(wrong.status).toBe(401);
      expect(wrong.body).toMatchObject({ code: 'unauthorized', message: 'wrong username or password' });
      expect(wrong.body).not.toHaveProperty('token');

      // An unknown account gets exactly the same answer, so accounts cannot be discovered this way.
      const unknown = await postRaw('/api/login', JSON.stringify({ username: 'nobody', password: 'guess-123' }));
      expect(unknown).toEqual(wrong);

      const entries = (await readAuditRecords(stack.server.redis)).map((r) => JSON.parse(r.fields.entry!) as Record<string, string>);
      const failures = entries.filter((e) => e.action === 'login.failed');
      expect(failures.map((e) => e.actor)).toEqual(expect.arrayContaining(['tw01', 'nobody']));
      expect(failures.find((e) => e.actor === 'tw01')).toMatchObject({ target: 'user:tw01', source: '127.0.0.1' });
      expect(JSON.stringify(entries)).not.toContain('guess-123');
      await expect(stack.server.audit.verify()).resolves.toMatchObject({ ok: true });
    });

    it('refuses API calls without a session, with a made-up token, or after logout', async () => {
      const none = await fetch(`${stack.baseUrl}/api/me`);
      expect(none.status).toBe(401);
      expect(await none.json()).toMatchObject({ code: 'unauthorized' });
      for (const token of ['not-a-token', 'A'.repeat(43)]) {
        expect((await api(stack.baseUrl, token, 'GET', '/api/me')).status).toBe(401);
      }
      const { token } = await login(stack.baseUrl, 'tw07');
      expect((await api(stack.baseUrl, token, 'GET', '/api/me')).status).toBe(200);
      expect((await api(stack.baseUrl, token, 'POST', '/api/logout')).status).toBe(200);
      expect((await api(stack.baseUrl, token, 'GET', '/api/me')).body).toMatchObject({ code: 'unauthorized' });
    });

    it('answers a body that is not JSON with 400 bad_request and a body over 64 KB with 413', async () => {
      const notJson = await postRaw('/api/login', '{"username": "tw01", ');
      expect(notJson).toEqual({ status: 400, body: { code: 'bad_request', message: 'request body is not valid JSON' } });

      const huge = await postRaw('/api/login', JSON.stringify({ username: 'tw01', password: 'x'.repeat(100_000) }));
      expect(huge).toEqual({ status: 413, body: { code: 'payload_too_large', message: 'request body is too large' } });

      const missing = await postRaw('/api/login', JSON.stringify({ username: 'tw01' }));
      expect(missing.status).toBe(400);
      expect(missing.body.code).toBe('bad_request');

      const wrongType = await postRaw('/api/meetings', JSON.stringify({ title: 42, invitedVenueIds: 'tw02' }), chairToken);
      expect(wrongType.status).toBe(400);
      expect(wrongType.body.code).toBe('bad_request');

      const unknownVenue = await postRaw('/api/meetings', JSON.stringify({ title: '演练', invitedVenueIds: ['tw99'] }), chairToken);
      expect(unknownVenue.status).toBe(400);
      await expectOthersStillServed();
    });

    it('lets only the chair or an admin create meetings (403 for operators and the dispatcher)', async () => {
      const body = { title: '防汛会商', invitedVenueIds: ['tw02'] };
      for (const username of ['tw01', 'dispatcher']) {
        const { token } = await login(stack.baseUrl, username);
        const res = await api<{ code: string }>(stack.baseUrl, token, 'POST', '/api/meetings', body);
        expect(res.status, username).toBe(403);
        expect(res.body.code).toBe('forbidden');
      }
      const list = await api<{ meetings: Meeting[] }>(stack.baseUrl, chairToken, 'GET', '/api/meetings');
      expect(list.body.meetings.some((m) => m.title === '防汛会商')).toBe(false);

      const byChair = await api<{ meeting: Meeting }>(stack.baseUrl, chairToken, 'POST', '/api/meetings', body);
      expect(byChair.status).toBe(201);
      expect(byChair.body.meeting.invitedVenueIds).toEqual(['hall', 'tw02']);
    });

    it('keeps the media inventory for admins only', async () => {
      const { token } = await login(stack.baseUrl, 'tw01');
      const res = await api<{ code: string }>(stack.baseUrl, token, 'GET', `/api/admin/meetings/${seeded.id}/media`);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('forbidden');
    });
  });

  describe('socket.io', () => {
    it('refuses a socket without a token, with a made-up token, or with an expired or ended session', async () => {
      const noToken = await refusedConnect(stack.baseUrl, {});
      expect(noToken.data).toMatchObject({ code: 'unauthorized' });
      expect(noToken.message).toMatch(/session has expired or is invalid/);

      for (const token of ['bogus', 'B'.repeat(43), 12345, { $ne: null }]) {
        const refused = await refusedConnect(stack.baseUrl, { token });
        expect(refused.data, String(token)).toMatchObject({ code: 'unauthorized' });
      }

      // A real session that Redis has expired.
      const expiring = await login(stack.baseUrl, 'tw05');
      await stack.server.redis.pexpire(keys.session(expiring.token), 1);
      await new Promise((r) => setTimeout(r, 50));
      expect((await refusedConnect(stack.baseUrl, { token: expiring.token })).data).toMatchObject({ code: 'unauthorized' });

      // A session ended by logging out.
      const ended = await login(stack.baseUrl, 'tw06');
      await api(stack.baseUrl, ended.token, 'POST', '/api/logout');
      await expect(connectSocket(stack.baseUrl, ended.token)).rejects.toMatchObject({ data: { code: 'unauthorized' } });

      // None of them got into the meeting.
      const admin = await login(stack.baseUrl, 'admin');
      const media = await api<{ venues: { venueId: string }[] }>(stack.baseUrl, admin.token, 'GET', `/api/admin/meetings/${seeded.id}/media`);
      expect(media.body.venues.map((v) => v.venueId)).toEqual(['tw04']);
      await expectOthersStillServed();
    });

    it('refuses a venue joining a meeting it is not invited to, without taking it out of its own meeting', async () => {
      const created = await api<{ meeting: Meeting }>(stack.baseUrl, chairToken, 'POST', '/api/meetings', {
        title: '镇级安全检查',
        invitedVenueIds: ['tw02'],
      });
      expect(created.status).toBe(201);
      const privateId = created.body.meeting.id;

      const tw01 = await venueSocket(stack, 'tw01', sockets);
      expectOk(await request(tw01, 'meeting.join', { meetingId: seeded.id }));
      const refused = expectError(await request(tw01, 'meeting.join', { meetingId: privateId }), 'forbidden');
      expect(refused.message).toBe('your venue is not invited to this meeting');
      // Still in the seeded meeting and still served there.
      expectOk(await request(tw01, 'transport.create', { direction: 'send' }));

      const tw02 = await venueSocket(stack, 'tw02', sockets);
      const joined = expectOk<{ meetingId: string }>(await request(tw02, 'meeting.join', { meetingId: privateId }));
      expect(joined.meetingId).toBe(privateId);

      expectError(await request(tw01, 'meeting.join', { meetingId: '00000000-0000-4000-8000-000000000000' }), 'not_found');

      const admin = await login(stack.baseUrl, 'admin');
      const inPrivate = await api<{ venues: { venueId: string }[] }>(stack.baseUrl, admin.token, 'GET', `/api/admin/meetings/${privateId}/media`);
      expect(inPrivate.body.venues.map((v) => v.venueId)).toEqual(['tw02']);
      const inSeeded = await api<{ venues: { venueId: string }[] }>(stack.baseUrl, admin.token, 'GET', `/api/admin/meetings/${seeded.id}/media`);
      expect(inSeeded.body.venues.map((v) => v.venueId).sort()).toEqual(['tw01', 'tw04']);

      tw01.close();
      tw02.close();
      await expectOthersStillServed();
    });

    it('refuses an account without a venue (admin) with forbidden when it tries to join', async () => {
      const admin = await venueSocket(stack, 'admin', sockets);
      const error = expectError(await request(admin, 'meeting.join', { meetingId: seeded.id }), 'forbidden');
      expect(error.message).toBe('this account has no venue and cannot join meetings');
      expectError(await request(admin, 'transport.create', { direction: 'send' }), 'conflict');
      admin.close();
      await expectOthersStillServed();
    });

    it('answers malformed requests with bad_request, before and after joining', async () => {
      const tw03 = await venueSocket(stack, 'tw03', sockets);
      const beforeJoin: [string, unknown][] = [
        ['meeting.join', {}],
        ['meeting.join', { meetingId: 42 }],
        ['meeting.join', { meetingId: '' }],
        ['meeting.join', { meetingId: 'x'.repeat(65) }],
        ['meeting.join', 'join please'],
        ['meeting.join', 42],
        ['meeting.join', null],
        ['meeting.join', [seeded.id]],
        ['meeting.join', true],
        ['transport.create', { direction: 'sideways' }],
        ['meeting.explode', { meetingId: seeded.id }],
        ['admin.shutdown', {}],
        ['toString', {}],
        ['constructor', {}],
        ['__proto__', {}],
      ];
      for (const [method, data] of beforeJoin) {
        expectError(await ask(tw03, method, data), 'bad_request');
      }

      expectOk(await request(tw03, 'meeting.join', { meetingId: seeded.id }));
      const send = expectOk<{ id: string }>(await request(tw03, 'transport.create', { direction: 'send' }));
      const afterJoin: [string, unknown][] = [
        ['transport.connect', { transportId: send.id }],
        ['transport.connect', { transportId: send.id, dtlsParameters: 'garbage' }],
        ['transport.connect', { transportId: send.id, dtlsParameters: { fingerprints: [] } }],
        ['transport.connect', { transportId: send.id, dtlsParameters: { role: 'boss', fingerprints: [{ algorithm: 'sha-256', value: 'AA' }] } }],
        ['transport.connect', { transportId: send.id, dtlsParameters: { role: 'client', fingerprints: [{ algorithm: 'md5-ish', value: 'zz' }] } }],
        ['producer.create', { transportId: send.id, kind: 'video', source: 'camera', rtpParameters: 'garbage' }],
        ['producer.create', { transportId: send.id, kind: 'video', source: 'camera', rtpParameters: { codecs: [] } }],
        ['producer.create', { transportId: send.id, kind: 'video', source: 'camera', rtpParameters: { codecs: [{ mimeType: 'video/VP8' }] } }],
        [
          'producer.create',
          { transportId: send.id, kind: 'video', source: 'camera', rtpParameters: { codecs: [{ mimeType: 'nonsense', clockRate: 90000, payloadType: 96 }] } },
        ],
        [
          'producer.create',
          { transportId: send.id, kind: 'video', source: 'camera', rtpParameters: { codecs: [{ mimeType: 'video/NOPE', clockRate: 90000, payloadType: 96 }] } },
        ],
        ['producer.create', { transportId: send.id, kind: 'hologram', source: 'camera', rtpParameters: { codecs: [] } }],
        ['producer.create', { transportId: send.id, kind: 'video', source: 'screen', rtpParameters: {} }],
        ['media.ready', { rtpCapabilities: 'all of them' }],
        ['media.ready', { rtpCapabilities: { codecs: [{ kind: 'smell', mimeType: 'x', clockRate: 1 }] } }],
        ['producer.pause', { producerId: 5 }],
        ['consumer.resume', {}],
      ];
      for (const [method, data] of afterJoin) {
        expectError(await ask(tw03, method, data), 'bad_request');
      }
      // The venue is still in the meeting and its good requests still work.
      expectOk(await request(tw03, 'transport.create', { direction: 'recv' }));
      expectError(await request(tw03, 'producer.pause', { producerId: 'no-such-producer' }), 'not_found');
      tw03.close();
      await expectOthersStillServed();
    });

    it('answers a request with no payload at all with bad_request', async () => {
      const tw08 = await venueSocket(stack, 'tw08', sockets);
      expectError(await ask(tw08, 'meeting.join'), 'bad_request');
      expectError(await ask(tw08, 'no.such.request'), 'bad_request');
      tw08.close();
    });

    it('answers a 200 KB request with payload_too_large and keeps serving that venue', async () => {
      const tw09 = await venueSocket(stack, 'tw09', sockets);
      const error = expectError(await request(tw09, 'meeting.join', { meetingId: 'x'.repeat(200_000) }), 'payload_too_large');
      expect(error.message).toMatch(/exceeds 65536/);
      expectError(
        await request(tw09, 'media.ready', { rtpCapabilities: { codecs: [], padding: '云'.repeat(70_000) } }),
        'payload_too_large',
      );
      expectOk(await request(tw09, 'meeting.join', { meetingId: seeded.id }));
      tw09.close();
      await expectOthersStillServed();
    });

    it('drops only the sender of a message beyond the 1 MB transport limit', async () => {
      const tw10 = await venueSocket(stack, 'tw10', sockets);
      const dropped = new Promise<string>((resolve) => tw10.once('disconnect', (reason) => resolve(reason)));
      (tw10 as unknown as Socket).emit('meeting.join', { meetingId: 'x'.repeat(1_100_000) }, () => undefined);
      expect(await dropped).toMatch(/transport close|transport error/);
      await expectOthersStillServed();
    });

    it('answers every one of a burst of 300 malformed requests and keeps serving the other venue', async () => {
      const d001 = await venueSocket(stack, 'd001', sockets);
      const acks = await Promise.all(
        Array.from({ length: 300 }, (_, i) => request(d001, i % 3 === 0 ? 'meeting.join' : i % 3 === 1 ? 'transport.create' : 'nope', { i })),
      );
      expect(acks.every((a) => !a.ok && a.error.code === 'bad_request')).toBe(true);
      d001.close();
      await expectOthersStillServed();
    });
  });
});
