import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import type { AuditEntry } from '../audit/AuditLog.ts';
import { badRequest, forbidden } from '../errors.ts';
import type { DutySheet } from '../protocol/dispatch.ts';
import type { Group, SessionUser } from '../protocol/index.ts';
import {
  broadcastListQuerySchema,
  recipientsQuerySchema,
  renderTemplate,
  smsBroadcastBodySchema,
  type RecipientPick,
  type SmsBroadcastBody,
} from '../protocol/smsBroadcast.ts';
import type { Broadcast, BroadcastKind, RecipientStatus } from './smsProtocol.ts';

/** What the router needs; each piece is the real service's method (narrow for tests). */
export interface SmsBroadcastRouterDeps {
  sms: {
    broadcast(input: unknown): Promise<Broadcast>;
    getBroadcast(id: string): Promise<Broadcast>;
    listBroadcasts(limit?: number): Promise<Broadcast[]>;
    getRecipients(id: string, offset?: number, limit?: number): Promise<RecipientStatus[]>;
  };
  /** Departments (ids) and today's duty sheet (DispatchService). */
  dispatch: {
    departments(): Promise<{ id: string; name: string }[]>;
    dutySheet(day?: string): Promise<DutySheet>;
  };
  listGroups: () => Promise<Group[]>;
  /** The session's user, or throws the `unauthorized` AppError (AuthService.authenticate). */
  authenticate: (token: string | undefined) => Promise<SessionUser>;
  audit: { append(entry: AuditEntry): Promise<void> };
}

type Handler = (req: Request, res: Response, user: SessionUser) => Promise<void>;

const idSchema = z.string().min(1).max(64).regex(/^[\w-]+$/, 'not a valid id');

/**
 * Dispatchers and admins send any broadcast. The chair sends meeting notices only, as the filled
 * meeting notice template (its own text is not used), so a chair cannot send commands or reports.
 * Liaisons and venue operators cannot send or list broadcasts.
 */
function requireSender(user: SessionUser, body: SmsBroadcastBody): void {
  if (user.role === 'dispatcher' || user.role === 'admin') return;
  if (user.role === 'chair') {
    if (body.template?.id === 'meeting_notice') return;
    throw forbidden("the chair can send meeting notices only: fill in the meeting notice template's title, time and place");
  }
  throw forbidden('only dispatchers, admins and the chair can send SMS broadcasts');
}

function requireReader(user: SessionUser): void {
  if (user.role !== 'dispatcher' && user.role !== 'admin' && user.role !== 'chair') {
    throw forbidden('only dispatchers, admins and the chair can see SMS broadcasts');
  }
}

/**
 * Turns the pickers into phone numbers: departments → today's duty liaison; groups → the duty
 * liaison of each department in the group (townships have no duty contacts and are skipped);
 * roster → every leader or liaison on today's sheet; numbers as given. Unknown ids, or a named
 * department with nobody on duty, are a 400 naming them. Duplicates are removed.
 */
export async function resolveRecipients(pick: RecipientPick, deps: Pick<SmsBroadcastRouterDeps, 'dispatch' | 'listGroups'>): Promise<string[]> {
  const numbers: string[] = [];
  const needsSheet = Boolean(pick.departments?.length || pick.groups?.length || pick.roster);
  if (needsSheet) {
    const [departments, sheet] = await Promise.all([deps.dispatch.departments(), deps.dispatch.dutySheet()]);
    const known = new Set(departments.map((d) => d.id));
    const byDepartment = new Map(sheet.entries.map((e) => [e.departmentId, e]));
    if (pick.departments?.length) {
      const unknown = pick.departments.filter((id) => !known.has(id));
      if (unknown.length > 0) throw badRequest(`unknown department(s): ${unknown.slice(0, 10).join(', ')}`);
      const nobody = pick.departments.filter((id) => !byDepartment.get(id)?.liaison);
      if (nobody.length > 0) throw badRequest(`nobody is on duty today for department(s): ${nobody.slice(0, 10).join(', ')}`);
      for (const id of pick.departments) numbers.push(byDepartment.get(id)!.liaison!.phone);
    }
    if (pick.groups?.length) {
      const groups = new Map((await deps.listGroups()).map((g) => [g.id, g]));
      const unknown = pick.groups.filter((id) => !groups.has(id));
      if (unknown.length > 0) throw badRequest(`unknown group(s): ${unknown.slice(0, 10).join(', ')}`);
      for (const id of pick.groups) {
        for (const venueId of groups.get(id)!.venueIds) {
          const liaison = byDepartment.get(venueId)?.liaison;
          if (liaison) numbers.push(liaison.phone);
        }
      }
    }
    if (pick.roster) {
      for (const entry of sheet.entries) {
        const person = pick.roster === 'leaders' ? entry.leader : entry.liaison;
        if (person) numbers.push(person.phone);
      }
    }
  }
  numbers.push(...(pick.numbers ?? []));
  const unique = [...new Set(numbers.map((n) => n.trim()).filter((n) => n.length > 0))];
  if (unique.length === 0) throw badRequest('no recipients: pick departments, groups, the duty roster or phone numbers');
  return unique;
}

/** The SMS broadcast REST API, mounted at /api/sms (before the /api 404 fallback). */
export function createSmsBroadcastRouter(deps: SmsBroadcastRouterDeps): express.Router {
  const router = express.Router();

  const authed = (handler: Handler) => async (req: Request, res: Response) => {
    const header = req.get('authorization');
    const user = await deps.authenticate(header?.startsWith('Bearer ') ? header.slice(7) : undefined);
    await handler(req, res, user);
  };
  const source = (req: Request) => req.ip ?? 'unknown';

  router.post('/broadcasts', authed(async (req, res, user) => {
    const body = smsBroadcastBodySchema.parse(req.body);
    requireSender(user, body);
    const text = user.role === 'chair' || body.text === undefined ? renderTemplate(body.template!) : body.text;
    const kind: BroadcastKind = body.template?.id ?? 'other';
    const recipients = await resolveRecipients(body.recipients, deps);
    const broadcast = await deps.sms.broadcast({ text, recipients, kind, ref: body.ref });
    await deps.audit.append({
      at: new Date().toISOString(),
      actor: user.username,
      action: 'sms.broadcast',
      source: source(req),
      target: `sms:${broadcast.id}`,
      after: { id: broadcast.id, kind, ref: body.ref, text, template: body.template?.id, picks: body.recipients, recipients: broadcast.recipients },
    });
    res.status(201).json({ broadcast });
  }));
  router.get('/broadcasts', authed(async (req, res, user) => {
    requireReader(user);
    const { limit } = broadcastListQuerySchema.parse(req.query);
    res.json({ broadcasts: await deps.sms.listBroadcasts(limit) });
  }));
  router.get('/broadcasts/:id', authed(async (req, res, user) => {
    requireReader(user);
    const id = idSchema.parse(req.params.id);
    const { offset, limit } = recipientsQuerySchema.parse(req.query);
    const [broadcast, recipients] = await Promise.all([deps.sms.getBroadcast(id), deps.sms.getRecipients(id, offset, limit)]);
    res.json({ broadcast, recipients });
  }));
  return router;
}
