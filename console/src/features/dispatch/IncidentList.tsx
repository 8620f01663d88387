import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { INCIDENT_LEVELS } from '../../../../signaling/src/protocol/dispatch.ts';
import { errorMessage } from '../../app/errorMessage.ts';
import { useGetIncidentsQuery } from './dispatchApi.ts';
import { formatTime } from './timelineText.ts';

export function IncidentList({ manages, onNew, onSelect }: { manages: boolean; onNew?: () => void; onSelect: (id: string) => void }) {
  const { t, i18n } = useTranslation();
  const [state, setState] = useState<'open' | 'all'>('open');
  const { data: incidents, isLoading, error } = useGetIncidentsQuery({ state }, { pollingInterval: 5000 });
  return (
    <div className="dispatch-panel">
      <div className="dispatch-row">
        <h3>{t('dispatch.list.title')}</h3>
        <select data-testid="incident-filter" value={state} onChange={(e) => setState(e.target.value === 'all' ? 'all' : 'open')}>
          <option value="open">{t('dispatch.list.filter.open')}</option>
          <option value="all">{t('dispatch.list.filter.all')}</option>
        </select>
        {manages && onNew && (
          <button type="button" data-testid="incident-new" onClick={onNew}>
            {t('dispatch.list.new')}
          </button>
        )}
      </div>
      {isLoading && <p className="muted">{t('dispatch.list.loading')}</p>}
      {error && <p className="error">{t('dispatch.list.loadFailed', { message: errorMessage(error) })}</p>}
      {incidents && incidents.length === 0 && <p className="muted">{t('dispatch.list.empty')}</p>}
      <ul className="incident-list">
        {incidents?.map((incident) => (
          <li
            key={incident.id}
            className="incident-item"
            style={{ borderLeftColor: INCIDENT_LEVELS[incident.level].hex }}
            data-testid="incident-row"
            data-incident-id={incident.id}
            data-state={incident.state}
            onClick={() => onSelect(incident.id)}
          >
            <span className="level-badge" style={{ background: INCIDENT_LEVELS[incident.level].hex }}>
              {t(`dispatch.level.${incident.level}`)}
            </span>
            <strong>{incident.title}</strong>
            <span>{t(`dispatch.type.${incident.type}`)}</span>
            <span className="state-badge">{t(`dispatch.state.${incident.state}`)}</span>
            <span className="muted">{t(`dispatch.channel.${incident.channel}`)}</span>
            <span className="muted">{formatTime(incident.createdAt, i18n.language)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
