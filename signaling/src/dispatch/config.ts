import { z } from 'zod';
import { incidentLevelSchema, type IncidentLevel } from '../protocol/dispatch.ts';

const ms = z.number().int().positive();

const levelDeadlineSchema = z.object({
  /** From notification to acknowledgement; past it, escalation step 1 begins. */
  acknowledgeMs: ms,
  /** From notification to the department's report back; past it, follow-up reminders. */
  reportMs: ms,
  /** Between escalation steps (liaison → department head → duty leader of the day). */
  escalationStepMs: ms,
});
export type LevelDeadline = z.infer<typeof levelDeadlineSchema>;

const minutes = (n: number) => n * 60_000;

/**
 * The dispatch domain's settings. The service's config.ts reads the environment and passes a
 * (partial) object here; everything has a default suitable for the demo county.
 */
export const dispatchConfigSchema = z.object({
  /** GB/T 2260 administrative area code (6 digits) of the county; 990101 is fictional. */
  areaCode: z.string().regex(/^\d{6}$/).default('990101'),
  /** GB/T 4657 3-digit code of the issuing organisation (CAP identifier DDD part). */
  orgCode: z.string().regex(/^\d{3}$/).default('000'),
  centreName: z.string().min(1).default('云溪县应急指挥中心'),
  /** CAP <sender>: no spaces, commas or '<' '&'. */
  capSender: z.string().regex(/^[^\s,<&]+$/).default('dispatch@yunxi.example.gov.cn'),
  /** Venues an emergency meeting always invites: the dispatch centre (chair) and the county hall. */
  dispatchVenueId: z.string().min(1).default('dispatch'),
  hallVenueId: z.string().min(1).default('hall'),
  /** Our SMS number: inbound messages to it that are not task replies become incidents. */
  centreNumber: z.string().min(1).default('12110'),
  /** Offset of local time from UTC (China: +8 h, no daylight saving). Days and CAP times use it. */
  utcOffsetMinutes: z.number().int().min(-720).max(840).default(480),
  deadlines: z.record(incidentLevelSchema, levelDeadlineSchema).default({
    I: { acknowledgeMs: minutes(5), reportMs: minutes(60), escalationStepMs: minutes(5) },
    II: { acknowledgeMs: minutes(10), reportMs: minutes(120), escalationStepMs: minutes(10) },
    III: { acknowledgeMs: minutes(15), reportMs: minutes(240), escalationStepMs: minutes(15) },
    IV: { acknowledgeMs: minutes(30), reportMs: minutes(480), escalationStepMs: minutes(30) },
  }),
  /** How often overdue tasks produce reminders (督查督办), grouped by department. */
  followUpIntervalMs: ms.default(minutes(30)),
  /** A second SMS from the same number within this window attaches to its open incident. */
  smsAttachWindowMs: ms.default(minutes(30)),
});
export type DispatchConfig = z.infer<typeof dispatchConfigSchema>;
export type DispatchConfigInput = z.input<typeof dispatchConfigSchema>;

export function deadlineFor(config: DispatchConfig, level: IncidentLevel): LevelDeadline {
  return config.deadlines[level];
}
