import type { Redis } from 'ioredis';
import { EnhancedEventEmitter, KeyedQueue, getLogger, type Logger } from '../../../sfu/src/index.ts';
import type { AuditLog } from '../audit/AuditLog.ts';
import { forbidden, notFound } from '../errors.ts';
import type { SessionUser } from '../protocol/index.ts';
import {
  incidentActionBodySchema,
  listIncidentsQuerySchema,
  rosterBodySchema,
  departmentContactsBodySchema,
  taskActionBodySchema,
  updateIncidentBodySchema,
  type AssignTasksBody,
  type CapExport,
  type CreateIncidentBody,
  type Department,
  type DepartmentContactsBody,
  type DepartmentReport,
  type DepartmentTask,
  type DutyRoster,
  type DutySheet,
  type EmergencyMeetingResult,
  type Incident,
  type IncidentActionBody,
  type IncidentDetail,
  type InboundSmsOutcome,
  type Notice,
  type RosterBody,
  type Task,
  type TaskActionBody,
  type UpdateIncidentBody,
} from '../protocol/dispatch.ts';
import { normalizeAddress } from '../sms/phone.ts';
import { canManage, canReadAll, departmentOf, requireManager } from './access.ts';
import { dispatchConfigSchema, type DispatchConfig, type DispatchConfigInput } from './config.ts';
import type { Actor, DeskContext, DispatchServiceEvents } from './context.ts';
import { DispatchStore } from './DispatchStore.ts';
import { EscalationScheduler } from './EscalationScheduler.ts';
import { guessIncidentType, parseAckReply } from './inbound.ts';
import { IncidentDesk } from './IncidentDesk.ts';
import { IntervalJob } from './IntervalJob.ts';
import type { MeetingStarter } from './meetingStarter.ts';
import { Notifier } from './Notifier.ts';
import { departmentReport } from './report.ts';
import { RosterBook, normalizePerson, type VenueDirectory } from './RosterBook.ts';
import type { DispatchInboundSms, DispatchSms } from './sms.ts';
import { TaskDesk } from './TaskDesk.ts';
import { daysBetween, localDay, localDayStart } from './time.ts';

export interface DispatchServiceOptions {
  redis: Redis;
  audit: AuditLog;
  venues: VenueDirectory;
  sms: DispatchSms;
  meetings: MeetingStarter;
  config?: DispatchConfigInput;
}

export type { DispatchServiceEvents };

/**
 * The dispatch centre: incidents, department tasks, duty rosters, escalation and follow-up. Owns
 * two timers (the escalation scheduler and the follow-up job), both cleared in close(). All state
 * is in Redis, so a restart resumes escalations where they were.
 */
export class DispatchService extends EnhancedEventEmitter<DispatchServiceEvents> {
  readonly config: DispatchConfig;
  readonly rosters: RosterBook;
  readonly #store: DispatchStore;
  readonly #venues: VenueDirectory;
  readonly #auditLog: AuditLog;
  readonly #incidents: IncidentDesk;
  readonly #tasks: TaskDesk;
  readonly #scheduler: EscalationScheduler;
  readonly #followUp: IntervalJob;
  readonly #logger: Logger;
  #closed = false;

  static async create(options: DispatchServiceOptions): Promise<DispatchService> {
    const service = new DispatchService(options);
    await service.#scheduler.start();
    service.#followUp.start();
    return service;
  }

  private constructor(options: DispatchServiceOptions) {
    super();
    this.config = dispatchConfigSchema.parse(options.config ?? {});
    this.#logger = getLogger('DispatchService');
    this.#venues = options.venues;
    this.#auditLog = options.audit;
    this.#store = new DispatchStore(options.redis);
    this.rosters = new RosterBook({ redis: options.redis, venues: options.venues });
    const notifier = new Notifier({ sms: options.sms, store: this.#store, audit: options.audit, logger: this.#logger });
    const ctx: DeskContext = {
      config: this.config,
      store: this.#store,
      rosters: this.rosters,
      audit: options.audit,
      notifier,
      queue: new KeyedQueue(),
      logger: this.#logger,
      events: this,
      dueWritten: (at) => this.#scheduler.poke(at),
      today: () => localDay(Date.now(), this.config.utcOffsetMinutes),
      sign: `【${this.config.centreName}】`,
    };
    this.#tasks = new TaskDesk(ctx);
    this.#incidents = new IncidentDesk({ ctx, tasks: this.#tasks, redis: options.redis, meetings: options.meetings });
    this.#scheduler = new EscalationScheduler({
      source: this.#store,
      onDue: (taskId) => this.#tasks.escalate(taskId),
      logger: this.#logger.child({ part: 'escalation' }),
    });
    this.#followUp = new IntervalJob({
      intervalMs: this.config.followUpIntervalMs,
      job: async () => void (await this.#tasks.followUp()),
      logger: this.#logger.child({ part: 'follow-up' }),
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** When the escalation timer will next fire (ms), for monitoring and tests. */
  get nextEscalationAt(): number | null {
    return this.#scheduler.armedFor;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#logger.info('closing');
    await Promise.all([this.#scheduler.close(), this.#followUp.close()]);
    this.removeAllListeners();
  }

  // ---- incidents ----------------------------------------------------------------------------

  async createIncident(user: SessionUser, body: CreateIncidentBody, source: string): Promise<Incident> {
    requireManager(user, 'report incidents');
    return this.#incidents.create(actorOf(user, source), body);
  }

  async listIncidents(user: SessionUser, query: unknown = {}): Promise<Incident[]> {
    const { state, limit } = listIncidentsQuerySchema.parse(query);
    let incidents: Incident[];
    if (canReadAll(user)) {
      incidents = await this.#store.listIncidents(state === 'all' ? limit : 1000);
    } else {
      const department = await this.#requireDepartment(user);
      const tasks = await this.#store.tasksOfDepartment(department, 500);
      const ids = [...new Set(tasks.map((t) => t.incidentId))];
      incidents = (await Promise.all(ids.map((id) => this.#store.getIncident(id)))).filter((i): i is Incident => i !== null);
    }
    const open = (i: Incident) => i.state !== 'resolved' && i.state !== 'closed';
    return incidents.filter((i) => state === 'all' || (state === 'open' ? open(i) : i.state === state)).slice(0, limit);
  }

  async getIncident(user: SessionUser, id: string): Promise<IncidentDetail> {
    const incident = await this.#store.getIncident(id);
    if (!incident) throw notFound('no such incident');
    const tasks = await this.#store.tasksOfIncident(id);
    if (canReadAll(user)) return { incident, tasks, timeline: await this.#store.timeline(id) };
    const department = await this.#requireDepartment(user);
    const own = tasks.filter((t) => t.departmentId === department);
    if (own.length === 0) throw forbidden('your department has no task for this incident');
    return { incident, tasks: own, timeline: [] };
  }

  async updateIncident(user: SessionUser, id: string, body: UpdateIncidentBody, source: string): Promise<Incident> {
    requireManager(user, 'change incidents');
    return this.#incidents.update(actorOf(user, source), id, updateIncidentBodySchema.parse(body));
  }

  async actOnIncident(user: SessionUser, id: string, body: IncidentActionBody, source: string): Promise<Incident> {
    requireManager(user, 'change the state of incidents');
    const { action, reason } = incidentActionBodySchema.parse(body);
    return this.#incidents.act(actorOf(user, source), id, action, reason);
  }

  async addNote(user: SessionUser, id: string, text: string, source: string): Promise<void> {
    requireManager(user, 'add notes to incidents');
    await this.#incidents.note(actorOf(user, source), id, text);
  }

  async exportCap(user: SessionUser, id: string, source: string): Promise<CapExport> {
    requireManager(user, 'export warnings');
    return this.#incidents.exportCap(actorOf(user, source), id);
  }

  async startEmergencyMeeting(user: SessionUser, id: string, again: boolean, source: string): Promise<EmergencyMeetingResult> {
    requireManager(user, 'start emergency meetings');
    return this.#incidents.startMeeting(user, actorOf(user, source), id, again);
  }

  /** For the recorder: a recording of a meeting started from an incident goes on its timeline. */
  async meetingRecordingAvailable(meetingId: string, recording: { recordingId: string; url: string | null }): Promise<boolean> {
    return this.#incidents.meetingRecording(meetingId, recording);
  }

  // ---- tasks --------------------------------------------------------------------------------

  async assignTasks(user: SessionUser, incidentId: string, body: AssignTasksBody, source: string): Promise<Task[]> {
    return this.#tasks.assign(user, actorOf(user, source), incidentId, body);
  }

  async actOnTask(user: SessionUser, taskId: string, body: TaskActionBody, source: string): Promise<Task> {
    const { action, text } = taskActionBodySchema.parse(body);
    const department = departmentOf(user, await this.#isDepartment());
    return this.#tasks.act(user, department, actorOf(user, source), taskId, action, text);
  }

  /** The tasks of the user's department, newest first. */
  async departmentTasks(user: SessionUser): Promise<DepartmentTask[]> {
    const department = await this.#requireDepartment(user);
    const tasks = await this.#store.tasksOfDepartment(department, 200);
    const incidents = new Map<string, Incident | null>();
    for (const id of new Set(tasks.map((t) => t.incidentId))) incidents.set(id, await this.#store.getIncident(id));
    return tasks.flatMap((task) => {
      const i = incidents.get(task.incidentId);
      return i
        ? [{ task, incident: { id: i.id, number: i.number, title: i.title, type: i.type, level: i.level, locationText: i.locationText, state: i.state } }]
        : [];
    });
  }

  // ---- departments and duty -----------------------------------------------------------------

  async departments(): Promise<Department[]> {
    return this.rosters.departments();
  }

  async dutySheet(day?: string): Promise<DutySheet> {
    const d = day ?? localDay(Date.now(), this.config.utcOffsetMinutes);
    return { day: d, entries: await this.rosters.dutySheet(d) };
  }

  async putRoster(user: SessionUser, day: string, departmentId: string, body: RosterBody, source: string): Promise<DutyRoster> {
    requireManager(user, 'change duty rosters');
    const parsed = rosterBodySchema.parse(body);
    const [department] = await this.rosters.requireDepartments([departmentId]);
    const roster: DutyRoster = {
      day,
      departmentId: department!.id,
      leader: normalizePerson(parsed.leader, 'leader'),
      liaison: normalizePerson(parsed.liaison, 'liaison'),
      updatedBy: user.username,
      updatedAt: new Date().toISOString(),
    };
    const before = await this.rosters.roster(day, departmentId);
    await this.rosters.putRoster(roster);
    await this.#audit(user, source, 'dispatch.roster.put', `roster:${day}:${departmentId}`, before, roster);
    return roster;
  }

  async putDepartmentContacts(user: SessionUser, departmentId: string, body: DepartmentContactsBody, source: string): Promise<Department> {
    requireManager(user, 'change department contacts');
    const parsed = departmentContactsBodySchema.parse(body);
    const [department] = await this.rosters.requireDepartments([departmentId]);
    const contacts = {
      category: parsed.category === undefined ? department!.category : parsed.category,
      head: parsed.head && normalizePerson(parsed.head, 'head'),
      liaison: parsed.liaison && normalizePerson(parsed.liaison, 'liaison'),
    };
    const before = await this.rosters.contacts(departmentId);
    await this.rosters.putContacts(departmentId, contacts);
    await this.#audit(user, source, 'dispatch.department.contacts', `department:${departmentId}`, before, contacts);
    return { ...department!, ...contacts };
  }

  // ---- reports and notices ------------------------------------------------------------------

  async report(user: SessionUser, from: string, to: string): Promise<DepartmentReport> {
    if (!canReadAll(user)) throw forbidden('only the dispatch centre and the chair can see the report');
    const days = daysBetween(from, to);
    const start = localDayStart(days[0] ?? from, this.config.utcOffsetMinutes);
    const end = localDayStart(days.at(-1) ?? to, this.config.utcOffsetMinutes) + 86_400_000;
    return { from, to, rows: departmentReport(await this.#store.tasksNotifiedBetween(start, end)) };
  }

  async notices(user: SessionUser, limit = 50): Promise<Notice[]> {
    const all = await this.#store.notices(canManage(user) ? limit : 500);
    if (canReadAll(user)) return all.slice(0, limit);
    const department = await this.#requireDepartment(user);
    return all.filter((n) => n.departmentId === department).slice(0, limit);
  }

  /** Sends the follow-up reminders now (the timer does it every followUpIntervalMs). */
  async runFollowUp(): Promise<void> {
    await this.#followUp.runNow();
  }

  // ---- inbound SMS --------------------------------------------------------------------------

  /**
   * A mobile-originated SMS. A reply such as "1" or "1 1023" from a number that was told about a
   * task acknowledges it; anything else sent to the centre's number reports an incident (or adds
   * to the one this number reported in the last half hour). Resolves once durably recorded.
   */
  async handleInboundSms(sms: DispatchInboundSms): Promise<InboundSmsOutcome> {
    if (sms.id !== undefined && (await this.#store.inboundHandled(sms.id))) return { kind: 'ignored', reason: 'already handled' };
    const outcome = await this.#handleInbound(sms);
    if (sms.id !== undefined) await this.#store.markInboundHandled(sms.id);
    return outcome;
  }

  async #handleInbound(sms: DispatchInboundSms): Promise<InboundSmsOutcome> {
    const from = normalizeAddress(sms.from);
    const reply = parseAckReply(sms.text);
    if (reply) {
      const task = await this.#tasks.acknowledgeBySms(from, reply.code);
      if (task) return { kind: 'acknowledged', taskId: task.id };
      this.#logger.info({ from, code: reply.code }, 'acknowledgement reply matches no waiting task');
      return { kind: 'ignored', reason: 'no task waits for a reply from this number' };
    }
    if (!this.#isCentreNumber(sms.to)) {
      this.#logger.info({ to: sms.to }, 'inbound SMS is not for the dispatch centre');
      return { kind: 'ignored', reason: 'not addressed to the dispatch centre' };
    }
    const { incident, created } = await this.#incidents.intakeSms(from, sms.text, guessIncidentType);
    return { kind: 'incident', incidentId: incident.id, created };
  }

  #isCentreNumber(to: string): boolean {
    const digits = to.replace(/\D/g, '');
    const centre = this.config.centreNumber.replace(/\D/g, '');
    return digits === centre || digits.startsWith(centre) || digits.endsWith(centre);
  }

  async #isDepartment(): Promise<(id: string) => boolean> {
    const ids = new Set((await this.#venues.list()).filter((v) => v.kind === 'department').map((v) => v.id));
    return (id) => ids.has(id);
  }

  async #requireDepartment(user: SessionUser): Promise<string> {
    const department = departmentOf(user, await this.#isDepartment());
    if (!department) throw forbidden('this account does not act for a department');
    return department;
  }

  async #audit(user: SessionUser, source: string, action: string, target: string, before: unknown, after: unknown): Promise<void> {
    await this.#auditLog.append({ at: new Date().toISOString(), actor: user.username, action, source, target, before: before ?? undefined, after });
  }
}

function actorOf(user: SessionUser, source: string): Actor {
  return { name: user.username, source };
}
