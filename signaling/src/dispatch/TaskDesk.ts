import { randomUUID } from 'node:crypto';
import { conflict, forbidden, notFound } from '../errors.ts';
import type { SessionUser } from '../protocol/index.ts';
import type { AssignTasksBody, DutyPerson, Incident, Notice, Task, TaskAction, TimelineEntry } from '../protocol/dispatch.ts';
import { assignTasksBodySchema } from '../protocol/dispatch.ts';
import { canManage } from './access.ts';
import { deadlineFor } from './config.ts';
import { audited, type Actor, type DeskContext } from './context.ts';
import { DEPARTMENT_TASK_ACTIONS, applyTaskAction, incidentStateOnAssign, incidentStateOnTaskStarted } from './stateMachine.ts';
import { ackConfirmText, escalationText, followUpText, taskNoticeText } from './smsTexts.ts';

const STEP_ROLE = { 1: 'liaison', 2: 'head', 3: 'leader' } as const;

/**
 * Department tasks: assignment with deadlines by level, the department's own steps (acknowledge,
 * accept, start, report), the dispatcher's (return, close), acknowledgement by SMS reply,
 * escalation of unacknowledged tasks and follow-up reminders of overdue ones.
 */
export class TaskDesk {
  readonly #ctx: DeskContext;

  constructor(ctx: DeskContext) {
    this.#ctx = ctx;
  }

  async assign(user: SessionUser, actor: Actor, incidentId: string, input: AssignTasksBody): Promise<Task[]> {
    const ctx = this.#ctx;
    if (!canManage(user)) throw forbidden('only a dispatcher or an admin can assign tasks');
    const body = assignTasksBodySchema.parse(input);
    const departments = await ctx.rosters.requireDepartments(body.departmentIds);
    return ctx.queue.push(incidentId, async () => {
      const incident = await ctx.store.getIncident(incidentId);
      if (!incident) throw notFound('no such incident');
      const nextState = incidentStateOnAssign(incident);
      const existing = await ctx.store.tasksOfIncident(incidentId);
      const busy = departments.filter((d) => existing.some((t) => t.departmentId === d.id && t.state !== 'closed'));
      if (busy.length > 0) {
        throw conflict(`${busy.map((d) => d.name).join('、')} already has an open task for incident ${incident.number}`);
      }
      const now = Date.now();
      const at = new Date(now).toISOString();
      const deadline = deadlineFor(ctx.config, incident.level);
      const day = ctx.today();
      const tasks: { task: Task; liaison: DutyPerson | null }[] = [];
      for (const department of departments) {
        const duty = await ctx.rosters.onDuty(department.id, day);
        const task: Task = {
          id: randomUUID(),
          code: await ctx.store.nextTaskCode(),
          incidentId,
          departmentId: department.id,
          departmentName: department.name,
          instructions: body.instructions,
          state: 'notified',
          notifiedAt: at,
          acknowledgedAt: null,
          acceptedAt: null,
          startedAt: null,
          reportedAt: null,
          closedAt: null,
          acknowledgedVia: null,
          acknowledgedBy: null,
          report: null,
          closeReason: null,
          ackDueAt: new Date(now + deadline.acknowledgeMs).toISOString(),
          reportDueAt: new Date(now + deadline.reportMs).toISOString(),
          escalationStep: 0,
          nextEscalationAt: new Date(now + deadline.acknowledgeMs).toISOString(),
          notifiedPhones: duty.liaison ? [duty.liaison.phone] : [],
          createdBy: actor.name,
        };
        tasks.push({ task, liaison: duty.liaison });
      }
      const updated: Incident = {
        ...incident,
        state: nextState,
        departmentIds: [...new Set([...incident.departmentIds, ...departments.map((d) => d.id)])],
        updatedAt: at,
      };
      const batch = ctx.store.batch().putIncident(updated);
      for (const { task, liaison } of tasks) {
        batch.putTask(task, true).append(incidentId, {
          at,
          actor: actor.name,
          kind: 'task.assigned',
          data: {
            taskId: task.id,
            code: task.code,
            departmentId: task.departmentId,
            departmentName: task.departmentName,
            liaison: liaison ? `${liaison.name} ${liaison.phone}` : null,
            instructions: task.instructions,
            ackDueAt: task.ackDueAt,
          },
        });
      }
      if (nextState !== incident.state) batch.append(incidentId, stateEntry(at, actor, incident.state, nextState, null));
      await batch.commit();
      ctx.dueWritten(now + deadline.acknowledgeMs);
      for (const { task } of tasks) await audited(ctx, actor, 'dispatch.task.assign', `task:${task.id}`, undefined, task);
      await audited(ctx, actor, 'dispatch.incident.dispatch', `incident:${incidentId}`, incident, updated);
      ctx.logger.info({ incidentId, departments: departments.map((d) => d.id) }, 'tasks assigned');
      for (const { task, liaison } of tasks) {
        await ctx.notifier.notify({
          to: [liaison],
          text: taskNoticeText(ctx.sign, updated, task, deadline.acknowledgeMs),
          purpose: 'task.notice',
          ref: `task:${task.id}`,
          actor: actor.name,
          source: actor.source,
          incidentIds: [incidentId],
        });
        ctx.events.safeEmit('taskChanged', task);
      }
      ctx.events.safeEmit('incidentChanged', updated);
      return tasks.map((t) => t.task);
    });
  }

  /**
   * A step on a task. The department's steps need an account of that department (its liaison or
   * venue operator); return and close need a dispatcher.
   */
  async act(user: SessionUser, userDepartment: string | null, actor: Actor, taskId: string, action: TaskAction, text?: string): Promise<Task> {
    const found = await this.#ctx.store.getTask(taskId);
    if (!found) throw notFound('no such task');
    if (DEPARTMENT_TASK_ACTIONS.includes(action)) {
      if (userDepartment !== found.departmentId) {
        throw forbidden(
          userDepartment
            ? `task ${found.code} belongs to ${found.departmentName}; your account acts for another department`
            : `only ${found.departmentName}'s liaison can ${action} task ${found.code}`,
        );
      }
    } else if (!canManage(user)) {
      throw forbidden(`only a dispatcher or an admin can ${action} a task`);
    }
    return this.#transition(taskId, action, actor, { text, by: user.displayName, via: 'console' });
  }

  /**
   * An acknowledgement by SMS reply: the task named by its code, or else the one this number was
   * most recently told about. Null when nothing is waiting for this number.
   */
  async acknowledgeBySms(phone: string, code: string | null): Promise<Task | null> {
    const ctx = this.#ctx;
    const pending = await ctx.store.pendingTaskIdsFor(phone);
    let taskId: string | null = null;
    if (code !== null) {
      const byCode = await ctx.store.taskIdByCode(code);
      taskId = byCode !== null && pending.includes(byCode) ? byCode : null;
    } else {
      taskId = pending[0] ?? null;
    }
    if (taskId === null) return null;
    const actor: Actor = { name: `sms:${phone}`, source: `sms:${phone}` };
    const task = await this.#transition(taskId, 'acknowledge', actor, { by: phone, via: 'sms' });
    const stillPending = (await ctx.store.pendingTaskIdsFor(phone)).length;
    await ctx.notifier.notify({
      to: [{ name: phone, phone }],
      text: ackConfirmText(ctx.sign, task, stillPending),
      purpose: 'sms.ack',
      ref: `task:${task.id}`,
      actor: actor.name,
      source: actor.source,
      incidentIds: [task.incidentId],
    });
    return task;
  }

  /** Closes a closed incident's open tasks (inside the incident's queue, by the caller). */
  async closeOpenTasks(incident: Incident, actor: Actor, reason: string): Promise<void> {
    const ctx = this.#ctx;
    const open = (await ctx.store.tasksOfIncident(incident.id)).filter((t) => t.state !== 'closed');
    for (const task of open) await this.#apply(task, 'close', actor, { text: reason, by: actor.name });
  }

  /** Escalation timer callback: one step up the chain if the task is still unacknowledged. */
  async escalate(taskId: string): Promise<void> {
    const ctx = this.#ctx;
    const peek = await ctx.store.getTask(taskId);
    if (!peek) {
      await ctx.store.forgetDue(taskId);
      return;
    }
    await ctx.queue.push(peek.incidentId, async () => {
      const task = await ctx.store.getTask(taskId);
      const incident = await ctx.store.getIncident(peek.incidentId);
      if (!task || !incident) return;
      const now = Date.now();
      if (task.state !== 'notified' || task.escalationStep >= 3 || !task.nextEscalationAt) {
        await ctx.store.forgetDue(taskId);
        return;
      }
      if (Date.parse(task.nextEscalationAt) > now) {
        ctx.dueWritten(Date.parse(task.nextEscalationAt));
        return;
      }
      const step = (task.escalationStep + 1) as 1 | 2 | 3;
      const duty = await ctx.rosters.onDuty(task.departmentId, ctx.today());
      const recipient = step === 1 ? duty.liaison : step === 2 ? duty.head : duty.leader;
      const deadline = deadlineFor(ctx.config, incident.level);
      const next = step < 3 ? now + deadline.escalationStepMs : null;
      const at = new Date(now).toISOString();
      const escalated: Task = {
        ...task,
        escalationStep: step,
        nextEscalationAt: next === null ? null : new Date(next).toISOString(),
        notifiedPhones: recipient && !task.notifiedPhones.includes(recipient.phone) ? [...task.notifiedPhones, recipient.phone] : task.notifiedPhones,
      };
      const system: Actor = { name: 'system', source: 'system' };
      const notice: Notice = {
        at,
        kind: 'escalation',
        departmentId: task.departmentId,
        departmentName: task.departmentName,
        incidentId: incident.id,
        taskIds: [task.id],
        step,
      };
      await ctx.store
        .batch()
        .putTask(escalated)
        .append(incident.id, {
          at,
          actor: system.name,
          kind: 'task.escalated',
          data: {
            taskId: task.id,
            code: task.code,
            departmentName: task.departmentName,
            step,
            role: STEP_ROLE[step],
            recipient: recipient ? `${recipient.name} ${recipient.phone}` : null,
          },
        })
        .notice(notice)
        .commit();
      if (next !== null) ctx.dueWritten(next);
      await audited(ctx, system, 'dispatch.task.escalate', `task:${task.id}`, task, escalated);
      ctx.logger.info({ incidentId: incident.id, taskId, step }, 'task escalated');
      await ctx.notifier.notify({
        to: [recipient],
        text: escalationText(ctx.sign, incident, task, step),
        purpose: `task.escalation.${step}`,
        ref: `task:${task.id}`,
        actor: system.name,
        source: system.source,
        incidentIds: [incident.id],
      });
      ctx.events.safeEmit('taskEscalated', escalated, step);
      ctx.events.safeEmit('taskChanged', escalated);
    });
  }

  /** Overdue tasks, one reminder per department to whoever is on duty (督查督办). */
  async followUp(): Promise<Notice[]> {
    const ctx = this.#ctx;
    const now = Date.now();
    const at = new Date(now).toISOString();
    const overdue = (await ctx.store.openTasks())
      .map((task) => ({ task, overdue: overdueKind(task, now) }))
      .filter((x): x is { task: Task; overdue: 'acknowledge' | 'report' } => x.overdue !== null)
      .sort((a, b) => a.task.notifiedAt.localeCompare(b.task.notifiedAt));
    const byDepartment = new Map<string, typeof overdue>();
    for (const item of overdue) byDepartment.set(item.task.departmentId, [...(byDepartment.get(item.task.departmentId) ?? []), item]);
    const system: Actor = { name: 'system', source: 'system' };
    const notices: Notice[] = [];
    for (const [departmentId, items] of byDepartment) {
      const departmentName = items[0]!.task.departmentName;
      const incidentIds = [...new Set(items.map((i) => i.task.incidentId))];
      const notice: Notice = { at, kind: 'followup', departmentId, departmentName, incidentId: null, taskIds: items.map((i) => i.task.id), step: null };
      const batch = ctx.store.batch().notice(notice);
      for (const incidentId of incidentIds) {
        const codes = items.filter((i) => i.task.incidentId === incidentId).map((i) => i.task.code);
        batch.append(incidentId, { at, actor: system.name, kind: 'task.reminded', data: { departmentName, codes } });
      }
      await batch.commit();
      await audited(ctx, system, 'dispatch.task.followup', `department:${departmentId}`, undefined, {
        tasks: items.map((i) => ({ id: i.task.id, code: i.task.code, overdue: i.overdue })),
      });
      const duty = await ctx.rosters.onDuty(departmentId, ctx.today());
      await ctx.notifier.notify({
        to: [duty.liaison],
        text: followUpText(ctx.sign, departmentName, items.map((i) => ({ code: i.task.code, overdue: i.overdue }))),
        purpose: 'followup',
        ref: `department:${departmentId}`,
        actor: system.name,
        source: system.source,
        incidentIds,
      });
      notices.push(notice);
    }
    if (notices.length > 0) {
      ctx.logger.info({ departments: notices.length, tasks: overdue.length }, 'follow-up reminders sent');
      ctx.events.safeEmit('followUp', notices);
    }
    return notices;
  }

  async #transition(taskId: string, action: TaskAction, actor: Actor, options: { text?: string; by: string; via?: 'console' | 'sms' }): Promise<Task> {
    const ctx = this.#ctx;
    const peek = await ctx.store.getTask(taskId);
    if (!peek) throw notFound('no such task');
    return ctx.queue.push(peek.incidentId, async () => {
      const task = await ctx.store.getTask(taskId);
      if (!task) throw notFound('no such task');
      return this.#apply(task, action, actor, options);
    });
  }

  /** Applies one step (inside the incident's queue) and records it. */
  async #apply(task: Task, action: TaskAction, actor: Actor, options: { text?: string; by: string; via?: 'console' | 'sms' }): Promise<Task> {
    const ctx = this.#ctx;
    const at = new Date().toISOString();
    const next = applyTaskAction(task, action, { ...options, at });
    const batch = ctx.store.batch().putTask(next);
    const entry: TimelineEntry = {
      at,
      actor: actor.name,
      kind: 'task.state',
      data: {
        taskId: task.id,
        code: task.code,
        departmentName: task.departmentName,
        from: task.state,
        to: next.state,
        action,
        via: options.via ?? null,
        text: options.text ?? null,
      },
    };
    batch.append(task.incidentId, entry);
    let incidentChange: { before: Incident; after: Incident } | null = null;
    if (action === 'start') {
      const incident = await ctx.store.getIncident(task.incidentId);
      if (incident) {
        const state = incidentStateOnTaskStarted(incident);
        if (state !== incident.state) {
          const after = { ...incident, state, updatedAt: at };
          batch.putIncident(after).append(incident.id, stateEntry(at, actor, incident.state, state, null));
          incidentChange = { before: incident, after };
        }
      }
    }
    await batch.commit();
    await audited(ctx, actor, `dispatch.task.${action}`, `task:${task.id}`, task, next);
    if (incidentChange) {
      await audited(ctx, actor, 'dispatch.incident.start', `incident:${task.incidentId}`, incidentChange.before, incidentChange.after);
      ctx.events.safeEmit('incidentChanged', incidentChange.after);
    }
    ctx.logger.info({ incidentId: task.incidentId, taskId: task.id, from: task.state, to: next.state }, 'task state changed');
    ctx.events.safeEmit('taskChanged', next);
    return next;
  }
}

export function stateEntry(at: string, actor: Actor, from: string, to: string, reason: string | null): TimelineEntry {
  return { at, actor: actor.name, kind: 'incident.state', data: { from, to, reason } };
}

function overdueKind(task: Task, now: number): 'acknowledge' | 'report' | null {
  if (task.state === 'notified') return Date.parse(task.ackDueAt) <= now ? 'acknowledge' : null;
  if (task.state === 'acknowledged' || task.state === 'accepted' || task.state === 'in_progress') {
    return Date.parse(task.reportDueAt) <= now ? 'report' : null;
  }
  return null;
}
