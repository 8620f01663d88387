import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import type { Registry } from 'prom-client';
import { getLogger } from '../../../sfu/src/index.ts';
import type { AuthService } from '../auth/AuthService.ts';
import { forbidden, notFound, toErrorBody, unauthorized } from '../errors.ts';
import type { MeetingManager } from '../meetings/MeetingManager.ts';
import type { MeetingService } from '../meetings/MeetingService.ts';
import { createMeetingBodySchema, groupBodySchema, loginBodySchema, type SessionUser } from '../protocol/index.ts';
import type { VenueStore } from '../store/VenueStore.ts';
import type { MediaSigner } from '../recordings/MediaSigner.ts';
import type { RecordingService } from '../recordings/RecordingService.ts';
import { createRecordingRoutes } from '../recordings/router.ts';
import { createDispatchRouter } from '../dispatch/router.ts';
import type { Messaging } from '../Messaging.ts';
import type { AuditLog } from '../audit/AuditLog.ts';
import { createSmsBroadcastRouter } from '../sms/broadcastRouter.ts';

export interface AppDeps {
  auth: AuthService;
  meetings: MeetingService;
  manager: MeetingManager;
  venues: VenueStore;
  metrics: Registry;
  metricsToken: string | undefined;
  consoleDist: string;
  recordings: RecordingService;
  signer: MediaSigner;
  messaging: Messaging;
  audit: AuditLog;
  health: () => Promise<Record<string, unknown> & { ok: boolean }>;
}

type Authed = Request & { user: SessionUser; token: string };

const bearer = (req: Request): string | undefined => {
  const header = req.get('authorization');
  return header?.startsWith('Bearer ') ? header.slice(7) : undefined;
};

/** The HTTP API, health and metrics, and the console's static files. */
export function createApp(deps: AppDeps): express.Express {
  const logger = getLogger('http');
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'default-src': ["'self'"],
          'connect-src': ["'self'", 'ws:', 'wss:'],
          'media-src': ["'self'", 'blob:'],
          'worker-src': ["'self'", 'blob:'],
          'img-src': ["'self'", 'data:'],
          'upgrade-insecure-requests': null,
        },
      },
    }),
  );
  app.use(express.json({ limit: '64kb' }));

  const authed = (handler: (req: Authed, res: Response) => Promise<void>) => async (req: Request, res: Response) => {
    const token = bearer(req);
    const user = await deps.auth.authenticate(token);
    await handler(Object.assign(req, { user, token: token! }), res);
  };
  const source = (req: Request) => req.ip ?? 'unknown';

  app.post('/api/login', async (req, res) => {
    const body = loginBodySchema.parse(req.body);
    res.json(await deps.auth.login(body.username, body.password, source(req)));
  });
  app.post('/api/logout', authed(async (req, res) => {
    await deps.auth.logout(req.token, req.user, source(req));
    res.json({ ok: true });
  }));
  app.get('/api/me', authed(async (req, res) => {
    res.json({ user: req.user });
  }));
  app.get('/api/venues', authed(async (_req, res) => {
    res.json({ venues: await deps.venues.list() });
  }));
  app.get('/api/meetings', authed(async (req, res) => {
    const meetings = await deps.meetings.listFor(req.user);
    const live = new Map(deps.manager.rooms.map((r) => [r.meeting.id, r.participants.length]));
    res.json({ meetings: meetings.map((m) => ({ ...m, present: live.get(m.id) ?? 0 })) });
  }));
  app.post('/api/meetings', authed(async (req, res) => {
    const body = createMeetingBodySchema.parse(req.body);
    res.status(201).json({ meeting: await deps.meetings.create(req.user, body, source(req)) });
  }));
  app.get('/api/groups', authed(async (_req, res) => {
    res.json({ groups: await deps.meetings.listGroups() });
  }));
  app.post('/api/groups', authed(async (req, res) => {
    res.status(201).json({ group: await deps.meetings.saveGroup(req.user, groupBodySchema.parse(req.body), source(req)) });
  }));
  app.put('/api/groups/:id', authed(async (req, res) => {
    res.json({ group: await deps.meetings.saveGroup(req.user, groupBodySchema.parse(req.body), source(req), String(req.params.id)) });
  }));
  app.delete('/api/groups/:id', authed(async (req, res) => {
    await deps.meetings.deleteGroup(req.user, String(req.params.id), source(req));
    res.json({ ok: true });
  }));
  /** What the server itself holds for each venue of a running meeting (not what clients claim). */
  app.get('/api/admin/meetings/:id/media', authed(async (req, res) => {
    if (req.user.role !== 'admin') throw forbidden('admins only');
    const room = deps.manager.getRoom(String(req.params.id));
    const venues = room
      ? await Promise.all(room.participants.map(async (p) => ({ venueId: p.venue.id, ...(await room.venueMedia(p.venue.id)) })))
      : [];
    const placement = room?.placement.map((w) => ({
      workerPid: w.workerPid,
      venueIds: w.peerIds.map((id) => room.participants.find((p) => p.id === id)?.venue.id ?? id),
    }));
    res.json({ running: Boolean(room), workerPid: room?.workerPid ?? null, placement: placement ?? [], control: room?.control.state ?? null, venues });
  }));

  app.use('/api/dispatch', createDispatchRouter({ dispatch: deps.messaging.dispatch, authenticate: (t) => deps.auth.authenticate(t) }));
  app.use('/api/sms', createSmsBroadcastRouter({ sms: deps.messaging.sms, dispatch: deps.messaging.dispatch, listGroups: () => deps.meetings.listGroups(), authenticate: (t) => deps.auth.authenticate(t), audit: deps.audit }));
  /** The demo carrier: what the local SMSC simulator received (admins; absent with a real SMSC). */
  app.get('/api/admin/smsc/messages', authed(async (req, res) => {
    if (req.user.role !== 'admin') throw forbidden('admins only');
    const simulator = deps.messaging.simulator;
    if (!simulator) throw notFound('a real SMSC is configured; there is no demo carrier');
    res.json({ counts: simulator.counts, messages: simulator.recent(200) });
  }));

  const recordingRoutes = createRecordingRoutes({ recordings: deps.recordings, signer: deps.signer, auth: deps.auth });
  app.use('/api', recordingRoutes.api);
  app.use('/media', recordingRoutes.media);

  app.get('/healthz', async (_req, res) => {
    const health = await deps.health();
    res.status(health.ok ? 200 : 503).json(health);
  });
  app.get('/metrics', async (req, res) => {
    if (deps.metricsToken && bearer(req) !== deps.metricsToken) throw unauthorized('metrics need the metrics token');
    res.type(deps.metrics.contentType).send(await deps.metrics.metrics());
  });
  app.use(['/api', '/media'], (_req, res) => {
    res.status(404).json({ code: 'not_found', message: 'no such API endpoint' });
  });

  if (existsSync(deps.consoleDist)) {
    app.use(express.static(deps.consoleDist, { index: false, maxAge: '1h' }));
    app.get(/^\/(?!api\/|socket\.io\/|media\/).*/, (_req, res) => {
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(path.join(deps.consoleDist, 'index.html'));
    });
  } else {
    logger.warn({ consoleDist: deps.consoleDist }, 'console bundle not built; only the API is served');
  }

  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const parseFailure = error instanceof SyntaxError && 'status' in error;
    const tooLarge = typeof error === 'object' && error !== null && 'type' in error && error.type === 'entity.too.large';
    const { status, body, expected } = parseFailure
      ? { status: 400, body: { code: 'bad_request', message: 'request body is not valid JSON' }, expected: true }
      : tooLarge
        ? { status: 413, body: { code: 'payload_too_large', message: 'request body is too large' }, expected: true }
        : toErrorBody(error);
    if (!expected) logger.error({ err: error, path: req.path }, 'request failed');
    res.status(status).json(body);
  });
  return app;
}
