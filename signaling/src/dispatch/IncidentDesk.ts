import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { conflict, notFound } from '../errors.ts';
import type { SessionUser } from '../protocol/index.ts';
import {
  INCIDENT_TYPES,
  createIncidentBodySchema,
  type CapExport,
  type CreateIncidentBody,
  type EmergencyMeetingResult,
  type Incident,
  type IncidentAction,
  type IntakeChannel,
  type UpdateIncidentBody,
} from '../protocol/dispatch.ts';
import { capAlertXml, capIdentifier, capReference, unitCode } from './cap.ts';
import { audited, type Actor, type DeskContext } from './context.ts';
import { assertExec } from '../store/UserStore.ts';
import { dispatchKeys } from './keys.ts';
import type { MeetingStarter } from './meetingStarter.ts';
import { meetingNoticeText } from './smsTexts.ts';
import { applyIncidentAction } from './stateMachine.ts';
import { stateEntry, type TaskDesk } from './TaskDesk.ts';

/** Incidents: intake, edits, state changes, notes, CAP export and the emergency meeting. */
export class IncidentDesk {
  readonly #ctx: DeskContext;
  readonly #tasks: TaskDesk;
  readonly #redis: Redis;
  readonly #meetings: MeetingStarter;

  constructor(options: { ctx: DeskContext; tasks: TaskDesk; redis: Redis; meetings: MeetingStarter }) {
    this.#ctx = options.ctx;
    this.#tasks = options.tasks;
    this.#redis = options.redis;
    this.#meetings = options.meetings;
  }

  async create(actor: Actor, input: CreateIncidentBody, channel: IntakeChannel = 'console'): Promise<Incident> {
    const ctx = this.#ctx;
    const body = createIncidentBodySchema.parse(input);
    const at = new Date().toISOString();
    const incident: Incident = {
      id: randomUUID(),
      number: await ctx.store.nextIncidentNumber(ctx.today()),
      type: body.type,
      level: body.level,
      title: body.title || `${body.locationText}${INCIDENT_TYPES[body.type].zh}`,
      locationText: body.locationText,
      coordinates: body.coordinates ?? null,
      reporterName: body.reporterName,
      reporterContact: body.reporterContact,
      description: body.description,
      channel: channel === 'console' ? body.channel : channel,
      state: 'reported',
      closedReason: null,
      closedFrom: null,
      departmentIds: [],
      meetingIds: [],
      lastCapReference: null,
      createdBy: actor.name,
      createdAt: at,
      updatedAt: at,
    };
    await ctx.store
      .batch()
      .putIncident(incident, true)
      .append(incident.id, {
        at,
        actor: actor.name,
        kind: 'incident.reported',
        data: { channel: incident.channel, type: incident.type, level: incident.level, locationText: incident.locationText },
      })
      .commit();
    await audited(ctx, actor, 'dispatch.incident.create', `incident:${incident.id}`, undefined, incident);
    ctx.logger.info({ incidentId: incident.id, number: incident.number, channel: incident.channel }, 'incident reported');
    ctx.events.safeEmit('incidentChanged', incident);
    return incident;
  }

  async update(actor: Actor, id: string, body: UpdateIncidentBody): Promise<Incident> {
    const ctx = this.#ctx;
    return ctx.queue.push(id, async () => {
      const incident = await this.#require(id);
      if (incident.state === 'closed') throw conflict(`incident ${incident.number} is closed; reopen it to change it`);
      const at = new Date().toISOString();
      const changed = (Object.keys(body) as (keyof UpdateIncidentBody)[]).filter(
        (key) => JSON.stringify(body[key]) !== JSON.stringify(incident[key]),
      );
      if (changed.length === 0) return incident;
      const updated: Incident = { ...incident, ...body, updatedAt: at };
      await ctx.store
        .batch()
        .putIncident(updated)
        .append(id, {
          at,
          actor: actor.name,
          kind: 'incident.updated',
          data: { fields: changed, level: updated.level, previousLevel: incident.level },
        })
        .commit();
      await audited(ctx, actor, 'dispatch.incident.update', `incident:${id}`, incident, updated);
      ctx.events.safeEmit('incidentChanged', updated);
      return updated;
    });
  }

  async act(actor: Actor, id: string, action: IncidentAction, reason: string | undefined): Promise<Incident> {
    const ctx = this.#ctx;
    return ctx.queue.push(id, async () => {
      const incident = await this.#require(id);
      const at = new Date().toISOString();
      const updated = applyIncidentAction(incident, action, reason, at);
      await ctx.store
        .batch()
        .putIncident(updated)
        .append(id, stateEntry(at, actor, incident.state, updated.state, reason ?? null))
        .commit();
      await audited(ctx, actor, `dispatch.incident.${action}`, `incident:${id}`, incident, updated);
      if (action === 'close') await this.#tasks.closeOpenTasks(updated, actor, `事件已关闭：${reason ?? ''}`);
      ctx.logger.info({ incidentId: id, from: incident.state, to: updated.state }, 'incident state changed');
      ctx.events.safeEmit('incidentChanged', updated);
      return updated;
    });
  }

  async note(actor: Actor, id: string, text: string): Promise<void> {
    const ctx = this.#ctx;
    await ctx.queue.push(id, async () => {
      await this.#require(id);
      const at = new Date().toISOString();
      await ctx.store.batch().append(id, { at, actor: actor.name, kind: 'incident.note', data: { text } }).commit();
      await audited(ctx, actor, 'dispatch.incident.note', `incident:${id}`, undefined, { text });
    });
  }

  /** An SMS to the centre's number: attaches to the sender's recent open incident, or reports a new one. */
  async intakeSms(from: string, text: string, guessType: (text: string) => Incident['type']): Promise<{ incident: Incident; created: boolean }> {
    const ctx = this.#ctx;
    const actor: Actor = { name: `sms:${from}`, source: `sms:${from}` };
    const recentId = await ctx.store.incidentForSmsReporter(from);
    const recent = recentId ? await ctx.store.getIncident(recentId) : null;
    if (recent && recent.state !== 'closed') {
      await ctx.queue.push(recent.id, async () => {
        const at = new Date().toISOString();
        await ctx.store
          .batch()
          .append(recent.id, { at, actor: actor.name, kind: 'sms.inbound', data: { from, text } })
          .smsReporter(from, recent.id, ctx.config.smsAttachWindowMs)
          .commit();
        await audited(ctx, actor, 'dispatch.incident.sms', `incident:${recent.id}`, undefined, { from, text });
      });
      ctx.events.safeEmit('incidentChanged', recent);
      return { incident: recent, created: false };
    }
    const type = guessType(text);
    const incident = await this.create(
      actor,
      {
        type,
        level: 'IV',
        title: `短信报警：${[...text].slice(0, 24).join('')}`,
        locationText: '待核实（短信报警）',
        reporterName: '',
        reporterContact: from,
        description: [...text].slice(0, 2000).join(''),
      },
      'sms',
    );
    const at = new Date().toISOString();
    await ctx.store
      .batch()
      .append(incident.id, { at, actor: actor.name, kind: 'sms.inbound', data: { from, text } })
      .smsReporter(from, incident.id, ctx.config.smsAttachWindowMs)
      .commit();
    return { incident, created: true };
  }

  async exportCap(actor: Actor, id: string): Promise<CapExport> {
    const ctx = this.#ctx;
    const { config } = ctx;
    return ctx.queue.push(id, async () => {
      const incident = await this.#require(id);
      const unit = unitCode(config.areaCode, config.orgCode);
      const { sent, sequence } = await this.#capSequence(unit);
      const identifier = capIdentifier(unit, sent, config.utcOffsetMinutes, sequence);
      const xml = capAlertXml({
        incident,
        identifier,
        sender: config.capSender,
        senderName: config.centreName,
        areaCode: config.areaCode,
        sent,
        utcOffsetMinutes: config.utcOffsetMinutes,
        references: incident.lastCapReference,
      });
      const at = new Date(sent).toISOString();
      const updated: Incident = { ...incident, lastCapReference: capReference(config.capSender, identifier, sent, config.utcOffsetMinutes) };
      await ctx.store
        .batch()
        .putIncident(updated)
        .append(id, { at, actor: actor.name, kind: 'cap.exported', data: { identifier } })
        .commit();
      await audited(ctx, actor, 'dispatch.incident.cap', `incident:${id}`, incident, updated);
      return { identifier, xml };
    });
  }

  /**
   * One click: a meeting chaired by the dispatch centre with the county hall and the venues of the
   * departments involved; SMS notices to their duty staff; the meeting on the timeline.
   */
  async startMeeting(user: SessionUser, actor: Actor, id: string, again: boolean): Promise<EmergencyMeetingResult> {
    const ctx = this.#ctx;
    const { config } = ctx;
    return ctx.queue.push(id, async () => {
      const incident = await this.#require(id);
      if (incident.state === 'closed') throw conflict(`incident ${incident.number} is closed`);
      if (incident.meetingIds.length > 0 && !again) {
        throw conflict(`incident ${incident.number} already has an emergency meeting; confirm to start another`);
      }
      const invited = [...new Set([config.dispatchVenueId, config.hallVenueId, ...incident.departmentIds])];
      const meeting = await this.#meetings.start({
        title: `应急会商：${incident.title}`,
        chairVenueId: config.dispatchVenueId,
        invitedVenueIds: invited,
        actor: user,
        source: actor.source,
      });
      const at = new Date().toISOString();
      const updated: Incident = { ...incident, meetingIds: [...incident.meetingIds, meeting.id], updatedAt: at };
      await ctx.store
        .batch()
        .putIncident(updated)
        .linkMeeting(meeting.id, id)
        .append(id, { at, actor: actor.name, kind: 'meeting.started', data: { meetingId: meeting.id, venueIds: meeting.invitedVenueIds } })
        .commit();
      await audited(ctx, actor, 'dispatch.incident.meeting', `incident:${id}`, incident, updated);
      ctx.logger.info({ incidentId: id, meetingId: meeting.id, venues: invited.length }, 'emergency meeting started');
      const day = ctx.today();
      const staff = [];
      for (const departmentId of incident.departmentIds) {
        const duty = await ctx.rosters.onDuty(departmentId, day);
        staff.push(duty.liaison, duty.leader);
      }
      await ctx.notifier.notify({
        to: staff,
        text: meetingNoticeText(ctx.sign, incident),
        purpose: 'meeting',
        ref: `meeting:${meeting.id}`,
        actor: actor.name,
        source: actor.source,
        incidentIds: [id],
      });
      ctx.events.safeEmit('incidentChanged', updated);
      return { meetingId: meeting.id, invitedVenueIds: meeting.invitedVenueIds };
    });
  }

  /** A recording of an incident's meeting became available: it goes on the incident's timeline. */
  async meetingRecording(meetingId: string, recording: { recordingId: string; url: string | null }): Promise<boolean> {
    const ctx = this.#ctx;
    const incidentId = await ctx.store.incidentForMeeting(meetingId);
    if (!incidentId) return false;
    const system: Actor = { name: 'system', source: 'system' };
    const at = new Date().toISOString();
    await ctx.store
      .batch()
      .append(incidentId, { at, actor: system.name, kind: 'meeting.recording', data: { meetingId, ...recording } })
      .commit();
    await audited(ctx, system, 'dispatch.incident.recording', `incident:${incidentId}`, undefined, { meetingId, ...recording });
    return true;
  }

  async #require(id: string): Promise<Incident> {
    const incident = await this.#ctx.store.getIncident(id);
    if (!incident) throw notFound('no such incident');
    return incident;
  }

  /** The entry time and GB/T 35965 sequence (0–9 per unit per second) of a new CAP message. */
  async #capSequence(unit: string): Promise<{ sent: number; sequence: number }> {
    const { utcOffsetMinutes } = this.#ctx.config;
    let sent = Date.now();
    for (;;) {
      const stamp = new Date(sent + utcOffsetMinutes * 60_000).toISOString().slice(0, 19);
      const key = dispatchKeys.capSeq(`${unit}:${stamp}`);
      const results = await this.#redis.multi().incr(key).expire(key, 10).exec();
      assertExec(results);
      const sequence = Number(results![0]![1]) - 1;
      if (sequence <= 9) return { sent, sequence };
      sent = Math.floor(sent / 1000) * 1000 + 1000;
    }
  }
}
