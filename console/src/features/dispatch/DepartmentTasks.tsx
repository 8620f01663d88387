import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { INCIDENT_LEVELS, type TaskAction, type TaskState } from '../../../../signaling/src/protocol/dispatch.ts';
import { errorMessage } from '../../app/errorMessage.ts';
import { useGetDepartmentTasksQuery, useTaskActionMutation } from './dispatchApi.ts';
import { formatTime } from './timelineText.ts';

const NEXT: Partial<Record<TaskState, TaskAction>> = {
  notified: 'acknowledge',
  acknowledged: 'accept',
  accepted: 'start',
  in_progress: 'report',
};

/** The liaison's view: the department's tasks, newest first, with the next step for each. */
export function DepartmentTasks() {
  const { t, i18n } = useTranslation();
  const { data: tasks, error, isLoading } = useGetDepartmentTasksQuery(undefined, { pollingInterval: 3000 });
  const [act, actState] = useTaskActionMutation();
  const [reports, setReports] = useState<Record<string, string>>({});

  if (isLoading) return <p className="muted">{t('dispatch.list.loading')}</p>;
  if (error) return <p className="error">{t('dispatch.list.loadFailed', { message: errorMessage(error) })}</p>;
  if (!tasks?.length) return <p className="muted">{t('dispatch.task.empty')}</p>;

  return (
    <div className="dispatch" data-testid="department-tasks">
      {actState.error && <p className="error">{t('dispatch.task.failed', { message: errorMessage(actState.error) })}</p>}
      {tasks.map(({ task, incident }) => {
        const next = NEXT[task.state];
        const report = reports[task.id] ?? '';
        return (
          <div
            key={task.id}
            className="dispatch-panel"
            style={{ borderLeft: `6px solid ${INCIDENT_LEVELS[incident.level].hex}` }}
            data-testid={`dept-task-${task.code}`}
            data-state={task.state}
          >
            <div className="dispatch-row">
              <span className="level-badge" style={{ background: INCIDENT_LEVELS[incident.level].hex }}>
                {t(`dispatch.level.${incident.level}`)}
              </span>
              <strong>{t('dispatch.task.incident', { number: incident.number, title: incident.title })}</strong>
              <span className="state-badge">{t(`dispatch.taskState.${task.state}`)}</span>
              {task.escalationStep > 0 && task.state === 'notified' && (
                <span className="escalated">{t('dispatch.task.escalated', { step: task.escalationStep })}</span>
              )}
            </div>
            <div className="dispatch-row muted">
              <span>{t('dispatch.task.code', { code: task.code })}</span>
              <span>{t(`dispatch.type.${incident.type}`)}</span>
              <span>{incident.locationText}</span>
              {task.state === 'notified' && <span>{t('dispatch.task.due', { time: formatTime(task.ackDueAt, i18n.language) })}</span>}
            </div>
            {task.instructions && <div>{t('dispatch.task.instructions', { text: task.instructions })}</div>}
            {task.report && <div>{t('dispatch.task.report', { text: task.report })}</div>}
            {next === 'report' && (
              <textarea
                data-testid={`dept-task-report-${task.code}`}
                placeholder={t('dispatch.task.reportPlaceholder')}
                value={report}
                maxLength={2000}
                onChange={(e) => setReports((r) => ({ ...r, [task.id]: e.target.value }))}
              />
            )}
            {next && (
              <div className="dispatch-row">
                <button
                  type="button"
                  data-testid={`dept-task-action-${task.code}`}
                  data-action={next}
                  disabled={actState.isLoading || (next === 'report' && !report.trim())}
                  onClick={() => void act({ id: task.id, action: next, text: next === 'report' ? report : undefined })}
                >
                  {t(`dispatch.taskAction.${next}`)}
                </button>
              </div>
            )}
          </div>
        );
      })}
    </div>
  );
}
