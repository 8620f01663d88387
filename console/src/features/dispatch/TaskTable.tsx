import { useTranslation } from 'react-i18next';
import type { Task } from '../../../../signaling/src/protocol/dispatch.ts';
import { errorMessage } from '../../app/errorMessage.ts';
import { useTaskActionMutation } from './dispatchApi.ts';
import { formatTime } from './timelineText.ts';

const STAMPS = ['notifiedAt', 'acknowledgedAt', 'acceptedAt', 'startedAt', 'reportedAt', 'closedAt'] as const;

/** An incident's tasks with each step's time; the dispatcher can send a report back or close a task. */
export function TaskTable({ tasks, manages }: { tasks: Task[]; manages: boolean }) {
  const { t, i18n } = useTranslation();
  const [act, state] = useTaskActionMutation();
  return (
    <>
      <table>
        <tbody>
          {tasks.map((task) => (
            <tr key={task.id} data-testid={`task-row-${task.departmentId}`} data-state={task.state} data-escalation={task.escalationStep}>
              <td>
                <strong>{task.departmentName}</strong>
                <div className="muted">{t('dispatch.task.code', { code: task.code })}</div>
              </td>
              <td>
                <span className="state-badge">{t(`dispatch.taskState.${task.state}`)}</span>
                {task.acknowledgedVia && <div className="muted">{t(`dispatch.task.via.${task.acknowledgedVia}`)}</div>}
                {task.escalationStep > 0 && <div className="escalated">{t('dispatch.task.escalated', { step: task.escalationStep })}</div>}
              </td>
              <td>
                {STAMPS.filter((s) => task[s]).map((s) => (
                  <div key={s}>
                    {t(`dispatch.task.stamps.${s}`)} {formatTime(task[s], i18n.language)}
                  </div>
                ))}
              </td>
              <td>
                {task.instructions && <div>{t('dispatch.task.instructions', { text: task.instructions })}</div>}
                {task.report && <div data-testid="task-report">{t('dispatch.task.report', { text: task.report })}</div>}
              </td>
              {manages && (
                <td>
                  {task.state === 'reported' && (
                    <button type="button" disabled={state.isLoading} onClick={() => void act({ id: task.id, action: 'return' })}>
                      {t('dispatch.taskAction.return')}
                    </button>
                  )}
                  {task.state !== 'closed' && (
                    <button
                      type="button"
                      data-testid={`task-close-${task.departmentId}`}
                      disabled={state.isLoading}
                      onClick={() => void act({ id: task.id, action: 'close' })}
                    >
                      {t('dispatch.taskAction.close')}
                    </button>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {state.error && <p className="error">{t('dispatch.task.failed', { message: errorMessage(state.error) })}</p>}
    </>
  );
}
