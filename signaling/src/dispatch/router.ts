import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import type { SessionUser } from '../protocol/index.ts';
import {
  assignTasksBodySchema,
  createIncidentBodySchema,
  dayStringSchema,
  departmentContactsBodySchema,
  emergencyMeetingBodySchema,
  incidentActionBodySchema,
  noteBodySchema,
  reportQuerySchema,
  rosterBodySchema,
  taskActionBodySchema,
  updateIncidentBodySchema,
} from '../protocol/dispatch.ts';
import type { DispatchService } from './DispatchService.ts';

export interface DispatchRouterDeps {
  dispatch: DispatchService;
  /** The session's user, or throws the `unauthorized` AppError (AuthService.authenticate). */
  authenticate: (token: string | undefined) => Promise<SessionUser>;
}

type Handler = (req: Request, res: Response, user: SessionUser) => Promise<void>;

const idSchema = z.string().min(1).max(64).regex(/^[\w-]+$/, 'not a valid id');
const dayQuerySchema = z.object({ day: dayStringSchema.optional() });
const capQuerySchema = z.object({ format: z.enum(['json', 'xml']).default('json') });

/**
 * The dispatch REST API, mounted at /api/dispatch (before the /api 404 fallback). Every body and
 * query is parsed with the protocol's schemas; errors propagate to the app's error handler.
 */
export function createDispatchRouter(deps: DispatchRouterDeps): express.Router {
  const { dispatch } = deps;
  const router = express.Router();

  const authed = (handler: Handler) => async (req: Request, res: Response) => {
    const header = req.get('authorization');
    const user = await deps.authenticate(header?.startsWith('Bearer ') ? header.slice(7) : undefined);
    await handler(req, res, user);
  };
  const source = (req: Request) => req.ip ?? 'unknown';
  const id = (req: Request, name = 'id') => idSchema.parse(req.params[name]);

  router.get('/incidents', authed(async (req, res, user) => {
    res.json({ incidents: await dispatch.listIncidents(user, req.query) });
  }));
  router.post('/incidents', authed(async (req, res, user) => {
    const body = createIncidentBodySchema.parse(req.body);
    res.status(201).json({ incident: await dispatch.createIncident(user, body, source(req)) });
  }));
  router.get('/incidents/:id', authed(async (req, res, user) => {
    res.json(await dispatch.getIncident(user, id(req)));
  }));
  router.patch('/incidents/:id', authed(async (req, res, user) => {
    const body = updateIncidentBodySchema.parse(req.body);
    res.json({ incident: await dispatch.updateIncident(user, id(req), body, source(req)) });
  }));
  router.post('/incidents/:id/actions', authed(async (req, res, user) => {
    const body = incidentActionBodySchema.parse(req.body);
    res.json({ incident: await dispatch.actOnIncident(user, id(req), body, source(req)) });
  }));
  router.post('/incidents/:id/notes', authed(async (req, res, user) => {
    const body = noteBodySchema.parse(req.body);
    await dispatch.addNote(user, id(req), body.text, source(req));
    res.status(201).json({ ok: true });
  }));
  router.post('/incidents/:id/tasks', authed(async (req, res, user) => {
    const body = assignTasksBodySchema.parse(req.body);
    res.status(201).json({ tasks: await dispatch.assignTasks(user, id(req), body, source(req)) });
  }));
  router.post('/incidents/:id/meeting', authed(async (req, res, user) => {
    const body = emergencyMeetingBodySchema.parse(req.body ?? {});
    res.status(201).json(await dispatch.startEmergencyMeeting(user, id(req), body.again, source(req)));
  }));
  /** A new CAP 1.2 message for the incident (each export is a new message, so POST). */
  router.post('/incidents/:id/cap', authed(async (req, res, user) => {
    const { format } = capQuerySchema.parse(req.query);
    const cap = await dispatch.exportCap(user, id(req), source(req));
    if (format === 'xml') {
      res.type('application/cap+xml; charset=utf-8').set('X-Cap-Identifier', cap.identifier).send(cap.xml);
    } else {
      res.status(201).json(cap);
    }
  }));

  router.get('/tasks/mine', authed(async (_req, res, user) => {
    res.json({ tasks: await dispatch.departmentTasks(user) });
  }));
  router.post('/tasks/:id/actions', authed(async (req, res, user) => {
    const body = taskActionBodySchema.parse(req.body);
    res.json({ task: await dispatch.actOnTask(user, id(req), body, source(req)) });
  }));

  router.get('/departments', authed(async (_req, res) => {
    res.json({ departments: await dispatch.departments() });
  }));
  router.put('/departments/:id/contacts', authed(async (req, res, user) => {
    const body = departmentContactsBodySchema.parse(req.body);
    res.json({ department: await dispatch.putDepartmentContacts(user, id(req), body, source(req)) });
  }));
  router.get('/duty', authed(async (req, res) => {
    const { day } = dayQuerySchema.parse(req.query);
    res.json(await dispatch.dutySheet(day));
  }));
  router.put('/rosters/:day/:departmentId', authed(async (req, res, user) => {
    const day = dayStringSchema.parse(req.params.day);
    const body = rosterBodySchema.parse(req.body);
    res.json({ roster: await dispatch.putRoster(user, day, id(req, 'departmentId'), body, source(req)) });
  }));

  router.get('/report', authed(async (req, res, user) => {
    const { from, to } = reportQuerySchema.parse(req.query);
    res.json(await dispatch.report(user, from, to));
  }));
  router.get('/notices', authed(async (_req, res, user) => {
    res.json({ notices: await dispatch.notices(user) });
  }));

  return router;
}
