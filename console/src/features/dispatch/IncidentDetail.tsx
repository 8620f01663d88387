import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { INCIDENT_LEVELS, type Incident, type IncidentAction } from '../../../../signaling/src/protocol/dispatch.ts';
import { errorMessage } from '../../app/errorMessage.ts';
import { AssignTasks } from './AssignTasks.tsx';
import { useAddNoteMutation, useGetIncidentQuery, useIncidentActionMutation } from './dispatchApi.ts';
import { IncidentTools } from './IncidentTools.tsx';
import { TaskTable } from './TaskTable.tsx';
import { formatTime, timelineText } from './timelineText.ts';

/** The actions the dispatcher can take from each state (the server has the final word). */
const ACTIONS: Record<Incident['state'], IncidentAction[]> = {
  reported: ['verify', 'close'],
  verified: ['close'],
  dispatched: ['start', 'resolve', 'close'],
  in_progress: ['resolve', 'close'],
  resolved: ['close', 'reopen'],
  closed: ['reopen'],
};

export function IncidentDetail({ id, manages, onBack }: { id: string; manages: boolean; onBack: () => void }) {
  const { t, i18n } = useTranslation();
  const { data, error } = useGetIncidentQuery(id, { pollingInterval: 3000 });
  const [act, actState] = useIncidentActionMutation();
  const [addNote, noteState] = useAddNoteMutation();
  const [reason, setReason] = useState('');
  const [note, setNote] = useState('');

  if (error) return <p className="error">{t('dispatch.detail.loadFailed', { message: errorMessage(error) })}</p>;
  if (!data) return <p className="muted">{t('dispatch.list.loading')}</p>;
  const { incident, tasks, timeline } = data;
  const level = INCIDENT_LEVELS[incident.level];
  const open = incident.state !== 'resolved' && incident.state !== 'closed';

  const onAction = async (action: IncidentAction) => {
    const result = await act({ id, action, reason: action === 'close' ? reason : undefined });
    if ('data' in result) setReason('');
  };

  return (
    <div className="dispatch" data-testid="incident-detail" data-incident-id={incident.id} data-state={incident.state}>
      <div className="dispatch-row">
        <button type="button" onClick={onBack} data-testid="incident-back">
          {t('dispatch.detail.back')}
        </button>
      </div>
      <div className="dispatch-panel" style={{ borderTop: `6px solid ${level.hex}` }}>
        <div className="dispatch-row">
          <span className="level-badge" style={{ background: level.hex }}>
            {t(`dispatch.level.${incident.level}`)}
          </span>
          <h3>{incident.title}</h3>
          <span className="state-badge" data-testid="incident-state">
            {t(`dispatch.state.${incident.state}`)}
          </span>
        </div>
        <div className="dispatch-row muted">
          <span>{t('dispatch.detail.number', { number: incident.number })}</span>
          <span>{t(`dispatch.type.${incident.type}`)}</span>
          <span>{t(`dispatch.channel.${incident.channel}`)}</span>
          <span>{incident.locationText}</span>
          {incident.coordinates && (
            <span>
              {incident.coordinates.lat}, {incident.coordinates.lon}
            </span>
          )}
          {(incident.reporterName || incident.reporterContact) && (
            <span>{t('dispatch.detail.reporter', { name: incident.reporterName, contact: incident.reporterContact })}</span>
          )}
        </div>
        {incident.description && <p>{incident.description}</p>}
        {manages && (
          <div className="dispatch-row">
            {ACTIONS[incident.state].map((action) => (
              <button
                key={action}
                type="button"
                className={action === 'close' ? 'danger' : undefined}
                data-testid={`incident-action-${action}`}
                disabled={actState.isLoading || (action === 'close' && !reason.trim())}
                onClick={() => void onAction(action)}
              >
                {t(`dispatch.incidentAction.${action}`)}
              </button>
            ))}
            {ACTIONS[incident.state].includes('close') && (
              <input
                data-testid="incident-close-reason"
                placeholder={t('dispatch.detail.reasonPlaceholder')}
                value={reason}
                maxLength={500}
                onChange={(e) => setReason(e.target.value)}
              />
            )}
          </div>
        )}
        {actState.error && <p className="error">{t('dispatch.detail.actionFailed', { message: errorMessage(actState.error) })}</p>}
        {manages && <IncidentTools incident={incident} />}
      </div>

      <div className="dispatch-panel">
        <h3>{t('dispatch.detail.tasks')}</h3>
        {tasks.length === 0 ? <p className="muted">{t('dispatch.detail.noTasks')}</p> : <TaskTable tasks={tasks} manages={manages} />}
        {manages && open && <AssignTasks incidentId={incident.id} assigned={tasks.filter((x) => x.state !== 'closed').map((x) => x.departmentId)} />}
      </div>

      {timeline.length > 0 && (
        <div className="dispatch-panel">
          <h3>{t('dispatch.detail.timeline')}</h3>
          <ol className="timeline" data-testid="timeline">
            {timeline.map((entry, i) => (
              <li key={`${entry.at}-${i}`} data-testid="timeline-entry" data-kind={entry.kind}>
                <time>{formatTime(entry.at, i18n.language)}</time>
                {timelineText(t, entry)}
              </li>
            ))}
          </ol>
          {manages && (
            <div className="dispatch-row">
              <input
                data-testid="incident-note"
                placeholder={t('dispatch.detail.notePlaceholder')}
                value={note}
                maxLength={1000}
                onChange={(e) => setNote(e.target.value)}
              />
              <button
                type="button"
                disabled={!note.trim() || noteState.isLoading}
                onClick={() => void addNote({ id, text: note }).then((r) => 'data' in r && setNote(''))}
              >
                {t('dispatch.detail.addNote')}
              </button>
            </div>
          )}
        </div>
      )}
    </div>
  );
}
