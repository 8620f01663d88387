import { z } from 'zod';

/**
 * The dispatch centre's protocol: incidents, department tasks, duty rosters. Shared by the
 * signalling server (REST edge, storage validation) and the console.
 */

/** Incident types (a code list). Chinese names are data: SMS texts and CAP exports use them. */
export const INCIDENT_TYPES = {
  fire: { zh: '火灾', cap: 'Fire' },
  forest_fire: { zh: '森林火灾', cap: 'Fire' },
  traffic_accident: { zh: '道路交通事故', cap: 'Transport' },
  flood: { zh: '洪涝灾害', cap: 'Met' },
  geological_hazard: { zh: '地质灾害', cap: 'Geo' },
  earthquake: { zh: '地震', cap: 'Geo' },
  public_health: { zh: '公共卫生事件', cap: 'Health' },
  public_security: { zh: '社会安全事件', cap: 'Security' },
  hazardous_chemicals: { zh: '危险化学品事故', cap: 'CBRNE' },
  production_safety: { zh: '生产安全事故', cap: 'Safety' },
  power_outage: { zh: '停电', cap: 'Infra' },
  water_outage: { zh: '停水', cap: 'Infra' },
  other: { zh: '其他', cap: 'Other' },
} as const;
export const incidentTypeSchema = z.enum(Object.keys(INCIDENT_TYPES) as [keyof typeof INCIDENT_TYPES, ...(keyof typeof INCIDENT_TYPES)[]]);
export type IncidentType = z.infer<typeof incidentTypeSchema>;

/** Levels I (most severe) to IV, with their Chinese names and warning colours. */
export const INCIDENT_LEVELS = {
  I: { zh: '特别重大', colour: 'red', hex: '#c62828', cap: 'Extreme' },
  II: { zh: '重大', colour: 'orange', hex: '#ef6c00', cap: 'Severe' },
  III: { zh: '较大', colour: 'yellow', hex: '#f9a825', cap: 'Moderate' },
  IV: { zh: '一般', colour: 'blue', hex: '#1565c0', cap: 'Minor' },
} as const;
export const incidentLevelSchema = z.enum(['I', 'II', 'III', 'IV']);
export type IncidentLevel = z.infer<typeof incidentLevelSchema>;

export const incidentStateSchema = z.enum(['reported', 'verified', 'dispatched', 'in_progress', 'resolved', 'closed']);
export type IncidentState = z.infer<typeof incidentStateSchema>;

export const intakeChannelSchema = z.enum(['console', 'sms', 'phone']);
export type IntakeChannel = z.infer<typeof intakeChannelSchema>;

export const coordinatesSchema = z.object({
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
});
export type Coordinates = z.infer<typeof coordinatesSchema>;

export const incidentSchema = z.object({
  id: z.string(),
  /** Human-readable number, e.g. 20260122-003. */
  number: z.string(),
  type: incidentTypeSchema,
  level: incidentLevelSchema,
  title: z.string(),
  locationText: z.string(),
  coordinates: coordinatesSchema.nullable(),
  reporterName: z.string(),
  reporterContact: z.string(),
  description: z.string(),
  channel: intakeChannelSchema,
  state: incidentStateSchema,
  closedReason: z.string().nullable(),
  /** The state it was closed from; reopen returns there. */
  closedFrom: incidentStateSchema.nullable(),
  departmentIds: z.array(z.string()),
  meetingIds: z.array(z.string()),
  /** The last CAP message exported for it (sender,identifier,sent), for `references`. */
  lastCapReference: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Incident = z.infer<typeof incidentSchema>;

export const taskStateSchema = z.enum(['notified', 'acknowledged', 'accepted', 'in_progress', 'reported', 'closed']);
export type TaskState = z.infer<typeof taskStateSchema>;

export const dutyPersonSchema = z.object({
  name: z.string().trim().min(1, 'name is required').max(40),
  phone: z.string().trim().min(1, 'phone is required').max(24),
});
export type DutyPerson = z.infer<typeof dutyPersonSchema>;

export const taskSchema = z.object({
  id: z.string(),
  /** Short number quoted in SMS ("reply 1 1234"). */
  code: z.string(),
  incidentId: z.string(),
  departmentId: z.string(),
  departmentName: z.string(),
  instructions: z.string(),
  state: taskStateSchema,
  notifiedAt: z.string(),
  acknowledgedAt: z.string().nullable(),
  acceptedAt: z.string().nullable(),
  startedAt: z.string().nullable(),
  reportedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  acknowledgedVia: z.enum(['console', 'sms']).nullable(),
  acknowledgedBy: z.string().nullable(),
  report: z.string().nullable(),
  closeReason: z.string().nullable(),
  ackDueAt: z.string(),
  reportDueAt: z.string(),
  /** 0 none; 1 liaison re-notified; 2 department head; 3 duty leader of the day. */
  escalationStep: z.number().int().min(0).max(3),
  nextEscalationAt: z.string().nullable(),
  /** Every number told about it: a "1" reply from any of them acknowledges it. */
  notifiedPhones: z.array(z.string()),
  createdBy: z.string(),
});
export type Task = z.infer<typeof taskSchema>;

export const timelineKindSchema = z.enum([
  'incident.reported',
  'incident.updated',
  'incident.state',
  'incident.note',
  'task.assigned',
  'task.state',
  'task.escalated',
  'task.reminded',
  'sms.queued',
  'sms.failed',
  'sms.inbound',
  'meeting.started',
  'meeting.recording',
  'cap.exported',
]);
export type TimelineKind = z.infer<typeof timelineKindSchema>;

const timelineValue = z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())]);
export const timelineEntrySchema = z.object({
  at: z.string(),
  actor: z.string(),
  kind: timelineKindSchema,
  data: z.record(z.string(), timelineValue),
});
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;

/** Linkage categories of the departments the centre usually dispatches. */
export const departmentCategorySchema = z.enum([
  'police', 'fire', 'health', 'ambulance', 'transport', 'water', 'power', 'civil_affairs',
  'emergency', 'natural_resources', 'meteorology', 'water_supply', 'communications', 'other',
]);
export type DepartmentCategory = z.infer<typeof departmentCategorySchema>;

export const departmentSchema = z.object({
  id: z.string(),
  name: z.string(),
  category: departmentCategorySchema.nullable(),
  /** The department's head (escalation step 2). */
  head: dutyPersonSchema.nullable(),
  /** The standing liaison when no roster names one for the day. */
  liaison: dutyPersonSchema.nullable(),
});
export type Department = z.infer<typeof departmentSchema>;

export const dayStringSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day is written YYYY-MM-DD');

export const dutyRosterSchema = z.object({
  day: dayStringSchema,
  departmentId: z.string(),
  leader: dutyPersonSchema,
  liaison: dutyPersonSchema,
  updatedBy: z.string(),
  updatedAt: z.string(),
});
export type DutyRoster = z.infer<typeof dutyRosterSchema>;

export const dutySheetEntrySchema = z.object({
  departmentId: z.string(),
  departmentName: z.string(),
  category: departmentCategorySchema.nullable(),
  leader: dutyPersonSchema.nullable(),
  liaison: dutyPersonSchema.nullable(),
  /** roster: named for the day; standing: the department's standing contacts; none: nobody. */
  source: z.enum(['roster', 'standing', 'none']),
});
export type DutySheetEntry = z.infer<typeof dutySheetEntrySchema>;

export const noticeSchema = z.object({
  at: z.string(),
  kind: z.enum(['escalation', 'followup']),
  departmentId: z.string(),
  departmentName: z.string(),
  incidentId: z.string().nullable(),
  taskIds: z.array(z.string()),
  step: z.number().int().nullable(),
});
export type Notice = z.infer<typeof noticeSchema>;

export const departmentReportRowSchema = z.object({
  departmentId: z.string(),
  departmentName: z.string(),
  tasks: z.number().int(),
  acknowledged: z.number().int(),
  completed: z.number().int(),
  ackSecondsP50: z.number().nullable(),
  ackSecondsP90: z.number().nullable(),
  completionSecondsP50: z.number().nullable(),
  completionSecondsP90: z.number().nullable(),
});
export type DepartmentReportRow = z.infer<typeof departmentReportRowSchema>;

// ---- request bodies -------------------------------------------------------------------------

const text = (max: number) => z.string().trim().max(max);

export const createIncidentBodySchema = z.object({
  type: incidentTypeSchema,
  level: incidentLevelSchema,
  title: text(100).optional(),
  locationText: text(200).min(1, 'location is required'),
  coordinates: coordinatesSchema.optional(),
  reporterName: text(50).default(''),
  reporterContact: text(50).default(''),
  description: text(2000).default(''),
  /** Console intake by default; `phone` when the dispatcher types in a call. */
  channel: z.enum(['console', 'phone']).default('console'),
});
export type CreateIncidentBody = z.input<typeof createIncidentBodySchema>;

export const updateIncidentBodySchema = z
  .object({
    type: incidentTypeSchema,
    level: incidentLevelSchema,
    title: text(100).min(1),
    locationText: text(200).min(1),
    coordinates: coordinatesSchema.nullable(),
    reporterName: text(50),
    reporterContact: text(50),
    description: text(2000),
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'name at least one field to change');
export type UpdateIncidentBody = z.infer<typeof updateIncidentBodySchema>;

export const incidentActionSchema = z.enum(['verify', 'start', 'resolve', 'close', 'reopen']);
export type IncidentAction = z.infer<typeof incidentActionSchema>;

export const incidentActionBodySchema = z
  .object({ action: incidentActionSchema, reason: text(500).optional() })
  .refine((b) => b.action !== 'close' || (b.reason !== undefined && b.reason.length > 0), {
    message: 'closing an incident needs a reason',
    path: ['reason'],
  });
export type IncidentActionBody = z.infer<typeof incidentActionBodySchema>;

export const noteBodySchema = z.object({ text: text(1000).min(1, 'the note is empty') });

export const assignTasksBodySchema = z.object({
  departmentIds: z
    .array(z.string().min(1).max(64))
    .min(1, 'pick at least one department')
    .max(50)
    .refine((ids) => new Set(ids).size === ids.length, 'a department is listed twice'),
  instructions: text(500).default(''),
});
export type AssignTasksBody = z.input<typeof assignTasksBodySchema>;

export const taskActionSchema = z.enum(['acknowledge', 'accept', 'start', 'report', 'return', 'close']);
export type TaskAction = z.infer<typeof taskActionSchema>;

export const taskActionBodySchema = z
  .object({ action: taskActionSchema, text: text(2000).optional() })
  .refine((b) => b.action !== 'report' || (b.text !== undefined && b.text.length > 0), {
    message: 'a report needs its text',
    path: ['text'],
  });
export type TaskActionBody = z.infer<typeof taskActionBodySchema>;

export const rosterBodySchema = z.object({ leader: dutyPersonSchema, liaison: dutyPersonSchema });
export type RosterBody = z.infer<typeof rosterBodySchema>;

export const departmentContactsBodySchema = z.object({
  head: dutyPersonSchema.nullable(),
  liaison: dutyPersonSchema.nullable(),
  category: departmentCategorySchema.nullable().optional(),
});
export type DepartmentContactsBody = z.infer<typeof departmentContactsBodySchema>;

export const reportQuerySchema = z
  .object({ from: dayStringSchema, to: dayStringSchema })
  .refine((q) => q.from <= q.to, 'the range ends before it starts')
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 366 * 86_400_000, 'the range is longer than a year');

export const listIncidentsQuerySchema = z.object({
  state: z.enum(['open', 'all', ...incidentStateSchema.options]).default('all'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const emergencyMeetingBodySchema = z.object({
  /** Start another one although the incident already has a meeting. */
  again: z.boolean().default(false),
});

// ---- responses ------------------------------------------------------------------------------

export interface IncidentDetail {
  incident: Incident;
  tasks: Task[];
  /** Empty for a department's liaison, who sees the incident and its own tasks only. */
  timeline: TimelineEntry[];
}

/** A task as its department sees it, with what it needs to know of the incident. */
export interface DepartmentTask {
  task: Task;
  incident: Pick<Incident, 'id' | 'number' | 'title' | 'type' | 'level' | 'locationText' | 'state'>;
}

export interface DutySheet {
  day: string;
  entries: DutySheetEntry[];
}

export interface DepartmentReport {
  from: string;
  to: string;
  rows: DepartmentReportRow[];
}

/** What an inbound SMS did. */
export type InboundSmsOutcome =
  | { kind: 'acknowledged'; taskId: string }
  | { kind: 'incident'; incidentId: string; created: boolean }
  | { kind: 'ignored'; reason: string };

export interface EmergencyMeetingResult {
  meetingId: string;
  invitedVenueIds: string[];
}

export interface CapExport {
  identifier: string;
  xml: string;
}
