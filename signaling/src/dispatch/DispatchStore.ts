import type { ChainableCommander, Redis } from 'ioredis';
import {
  incidentSchema,
  noticeSchema,
  taskSchema,
  timelineEntrySchema,
  type Incident,
  type Notice,
  type Task,
  type TimelineEntry,
} from '../protocol/dispatch.ts';
import { parseStored } from '../store/json.ts';
import { assertExec } from '../store/UserStore.ts';
import { dispatchKeys as k } from './keys.ts';

const MAX_NOTICES = 500;

/**
 * Incidents, tasks and their timelines in Redis. Writes go through a Batch (one MULTI), which
 * also keeps the derived indexes (open tasks, escalation due times, numbers awaiting a reply) in
 * step with each task's state, so a crash never leaves them disagreeing.
 */
export class DispatchStore {
  readonly #redis: Redis;

  constructor(redis: Redis) {
    this.#redis = redis;
  }

  batch(): DispatchBatch {
    return new DispatchBatch(this.#redis.multi());
  }

  async getIncident(id: string): Promise<Incident | null> {
    return parseStored(incidentSchema, await this.#redis.get(k.incident(id)), 'incident');
  }

  /** Newest first. */
  async listIncidents(limit: number): Promise<Incident[]> {
    const ids = await this.#redis.zrevrange(k.incidents, 0, limit - 1);
    return this.#many(ids, k.incident, (raw) => parseStored(incidentSchema, raw, 'incident'));
  }

  async getTask(id: string): Promise<Task | null> {
    return parseStored(taskSchema, await this.#redis.get(k.task(id)), 'task');
  }

  async getTasks(ids: string[]): Promise<Task[]> {
    return this.#many(ids, k.task, (raw) => parseStored(taskSchema, raw, 'task'));
  }

  async tasksOfIncident(incidentId: string): Promise<Task[]> {
    return this.getTasks(await this.#redis.zrange(k.incidentTasks(incidentId), 0, -1));
  }

  /** Newest first. */
  async tasksOfDepartment(departmentId: string, limit: number): Promise<Task[]> {
    return this.getTasks(await this.#redis.zrevrange(k.departmentTasks(departmentId), 0, limit - 1));
  }

  async tasksNotifiedBetween(fromMs: number, toMs: number): Promise<Task[]> {
    return this.getTasks(await this.#redis.zrangebyscore(k.tasks, fromMs, `(${toMs}`));
  }

  async openTasks(): Promise<Task[]> {
    return this.getTasks(await this.#redis.smembers(k.openTasks));
  }

  async timeline(incidentId: string): Promise<TimelineEntry[]> {
    const raws = await this.#redis.lrange(k.timeline(incidentId), 0, -1);
    return raws.map((raw) => parseStored(timelineEntrySchema, raw, 'timeline entry')!);
  }

  async taskIdByCode(code: string): Promise<string | null> {
    return this.#redis.get(k.taskCode(code));
  }

  /** Unacknowledged tasks this number was told about, most recently notified first. */
  async pendingTaskIdsFor(phone: string): Promise<string[]> {
    return this.#redis.zrevrange(k.phonePending(phone), 0, -1);
  }

  async dueTaskIds(nowMs: number, limit: number): Promise<string[]> {
    return this.#redis.zrangebyscore(k.due, '-inf', nowMs, 'LIMIT', 0, limit);
  }

  /** Drops a due time that has no (escalatable) task behind it. */
  async forgetDue(taskId: string): Promise<void> {
    await this.#redis.zrem(k.due, taskId);
  }

  /** When the next escalation is due (ms), if any. */
  async earliestDue(): Promise<number | null> {
    const [, score] = await this.#redis.zrange(k.due, 0, 0, 'WITHSCORES');
    return score === undefined ? null : Number(score);
  }

  async nextIncidentNumber(day: string): Promise<string> {
    const key = k.incidentSeq(day);
    const n = await this.#redis.incr(key);
    if (n === 1) await this.#redis.expire(key, 3 * 86_400);
    return `${day.replace(/-/g, '')}-${String(n).padStart(3, '0')}`;
  }

  async nextTaskCode(): Promise<string> {
    return String(1000 + (await this.#redis.incr(k.taskSeq)));
  }

  async incidentForSmsReporter(phone: string): Promise<string | null> {
    return this.#redis.get(k.smsReporter(phone));
  }

  async incidentForMeeting(meetingId: string): Promise<string | null> {
    return this.#redis.get(k.meeting(meetingId));
  }

  async inboundHandled(id: string): Promise<boolean> {
    return (await this.#redis.exists(k.inbound(id))) === 1;
  }

  async markInboundHandled(id: string): Promise<void> {
    await this.#redis.set(k.inbound(id), '1', 'EX', 7 * 86_400);
  }

  async notices(limit: number): Promise<Notice[]> {
    const raws = await this.#redis.lrange(k.notices, 0, limit - 1);
    return raws.map((raw) => parseStored(noticeSchema, raw, 'notice')!);
  }

  async #many<T>(ids: string[], key: (id: string) => string, parse: (raw: string | null) => T | null): Promise<T[]> {
    if (ids.length === 0) return [];
    const raws = await this.#redis.mget(ids.map(key));
    return raws.map(parse).filter((v): v is T => v !== null);
  }
}

/** One MULTI of dispatch writes. */
export class DispatchBatch {
  readonly #multi: ChainableCommander;

  constructor(multi: ChainableCommander) {
    this.#multi = multi;
  }

  putIncident(incident: Incident, isNew = false): this {
    this.#multi.set(k.incident(incident.id), JSON.stringify(incidentSchema.parse(incident)));
    if (isNew) this.#multi.zadd(k.incidents, Date.parse(incident.createdAt), incident.id);
    return this;
  }

  putTask(task: Task, isNew = false): this {
    const notifiedMs = Date.parse(task.notifiedAt);
    this.#multi.set(k.task(task.id), JSON.stringify(taskSchema.parse(task)));
    if (isNew) {
      this.#multi.zadd(k.tasks, notifiedMs, task.id);
      this.#multi.zadd(k.incidentTasks(task.incidentId), notifiedMs, task.id);
      this.#multi.zadd(k.departmentTasks(task.departmentId), notifiedMs, task.id);
      this.#multi.set(k.taskCode(task.code), task.id);
    }
    if (task.state === 'closed') this.#multi.srem(k.openTasks, task.id);
    else this.#multi.sadd(k.openTasks, task.id);
    if (task.state === 'notified' && task.nextEscalationAt) this.#multi.zadd(k.due, Date.parse(task.nextEscalationAt), task.id);
    else this.#multi.zrem(k.due, task.id);
    for (const phone of task.notifiedPhones) {
      if (task.state === 'notified') this.#multi.zadd(k.phonePending(phone), notifiedMs, task.id);
      else this.#multi.zrem(k.phonePending(phone), task.id);
    }
    return this;
  }

  append(incidentId: string, entry: TimelineEntry): this {
    this.#multi.rpush(k.timeline(incidentId), JSON.stringify(timelineEntrySchema.parse(entry)));
    return this;
  }

  notice(notice: Notice): this {
    this.#multi.lpush(k.notices, JSON.stringify(noticeSchema.parse(notice)));
    this.#multi.ltrim(k.notices, 0, MAX_NOTICES - 1);
    return this;
  }

  smsReporter(phone: string, incidentId: string, ttlMs: number): this {
    this.#multi.set(k.smsReporter(phone), incidentId, 'PX', ttlMs);
    return this;
  }

  linkMeeting(meetingId: string, incidentId: string): this {
    this.#multi.set(k.meeting(meetingId), incidentId);
    return this;
  }

  async commit(): Promise<void> {
    assertExec(await this.#multi.exec());
  }
}
