import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/errorMessage.ts';
import { useDeleteGroupMutation, useGetGroupsQuery, useGetVenuesQuery, useSaveGroupMutation } from './meetingsApi.ts';
import { VenuePicker } from './VenuePicker.tsx';

/** Saved venue groups for grouped meetings ("all townships", "emergency departments"). */
export function GroupsPanel() {
  const { t } = useTranslation();
  const { data: groups = [] } = useGetGroupsQuery();
  const { data: venues = [] } = useGetVenuesQuery();
  const [save, { error }] = useSaveGroupMutation();
  const [remove] = useDeleteGroupMutation();
  const [editing, setEditing] = useState<{ id?: string; name: string; venueIds: string[] } | null>(null);

  return (
    <section className="panel groups" data-testid="groups-panel">
      <h3>{t('groups.title')}</h3>
      <ul className="meeting-list">
        {groups.map((g) => (
          <li key={g.id} className="meeting-item" data-testid={`group-${g.id}`}>
            <span>{g.name} · {t('groups.count', { count: g.venueIds.length })}</span>
            <span className="chair-row">
              <button type="button" onClick={() => setEditing({ id: g.id, name: g.name, venueIds: g.venueIds })}>{t('groups.edit')}</button>
              <button type="button" className="danger" onClick={() => void remove(g.id)}>{t('groups.delete')}</button>
            </span>
          </li>
        ))}
      </ul>
      {editing ? (
        <div className="new-meeting">
          <label>
            {t('groups.name')}
            <input data-testid="group-name" value={editing.name} onChange={(e) => setEditing({ ...editing, name: e.target.value })} />
          </label>
          <VenuePicker venues={venues} selected={editing.venueIds} onChange={(venueIds) => setEditing({ ...editing, venueIds })} testId="group-venue" />
          {error && <p className="error" role="alert">{errorMessage(error)}</p>}
          <div className="chair-row">
            <button
              type="button"
              data-testid="group-save"
              onClick={() =>
                void save(editing).then((r) => {
                  if ('data' in r) setEditing(null);
                })
              }
            >
              {t('groups.save')}
            </button>
            <button type="button" onClick={() => setEditing(null)}>{t('schedule.cancel')}</button>
          </div>
        </div>
      ) : (
        <button type="button" data-testid="group-new" onClick={() => setEditing({ name: '', venueIds: [] })}>{t('groups.new')}</button>
      )}
    </section>
  );
}
