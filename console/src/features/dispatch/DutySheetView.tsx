import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DutySheetEntry } from '../../../../signaling/src/protocol/dispatch.ts';
import { errorMessage } from '../../app/errorMessage.ts';
import { useGetDutySheetQuery, usePutRosterMutation } from './dispatchApi.ts';

/** Today's duty sheet (or another day's); dispatchers can set a department's duty for the day. */
export function DutySheetView({ manages }: { manages: boolean }) {
  const { t } = useTranslation();
  const [day, setDay] = useState<string | undefined>(undefined);
  const { data, error } = useGetDutySheetQuery(day, { pollingInterval: 30_000 });
  const [editing, setEditing] = useState<string | null>(null);

  return (
    <div className="dispatch-panel" data-testid="duty-sheet">
      <div className="dispatch-row">
        <h3>{t('dispatch.duty.title')}</h3>
        <input type="date" data-testid="duty-day" value={data?.day ?? ''} onChange={(e) => setDay(e.target.value || undefined)} />
      </div>
      {error && <p className="error">{t('dispatch.list.loadFailed', { message: errorMessage(error) })}</p>}
      {data && data.entries.length === 0 && <p className="muted">{t('dispatch.duty.empty')}</p>}
      {data && data.entries.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>{t('dispatch.duty.department')}</th>
              <th>{t('dispatch.duty.leader')}</th>
              <th>{t('dispatch.duty.liaison')}</th>
              <th>{t('dispatch.duty.source')}</th>
              {manages && <th />}
            </tr>
          </thead>
          <tbody>
            {data.entries.map((entry) =>
              editing === entry.departmentId ? (
                <RosterEditor key={entry.departmentId} day={data.day} entry={entry} onDone={() => setEditing(null)} />
              ) : (
                <tr key={entry.departmentId} data-testid={`duty-row-${entry.departmentId}`}>
                  <td>{entry.departmentName}</td>
                  <td>{entry.leader && `${entry.leader.name} ${entry.leader.phone}`}</td>
                  <td>{entry.liaison && `${entry.liaison.name} ${entry.liaison.phone}`}</td>
                  <td className="muted">{t(`dispatch.duty.sources.${entry.source}`)}</td>
                  {manages && (
                    <td>
                      <button type="button" onClick={() => setEditing(entry.departmentId)}>
                        {t('dispatch.duty.edit')}
                      </button>
                    </td>
                  )}
                </tr>
              ),
            )}
          </tbody>
        </table>
      )}
    </div>
  );
}

function RosterEditor({ day, entry, onDone }: { day: string; entry: DutySheetEntry; onDone: () => void }) {
  const { t } = useTranslation();
  const [save, { isLoading, error }] = usePutRosterMutation();
  const [leader, setLeader] = useState({ name: entry.leader?.name ?? '', phone: entry.leader?.phone ?? '' });
  const [liaison, setLiaison] = useState({ name: entry.liaison?.name ?? '', phone: entry.liaison?.phone ?? '' });
  const onSave = async () => {
    const result = await save({ day, departmentId: entry.departmentId, leader, liaison });
    if ('data' in result) onDone();
  };
  const person = (value: { name: string; phone: string }, set: (v: { name: string; phone: string }) => void) => (
    <td>
      <input aria-label={t('dispatch.duty.name')} placeholder={t('dispatch.duty.name')} value={value.name} onChange={(e) => set({ ...value, name: e.target.value })} />
      <input aria-label={t('dispatch.duty.phone')} placeholder={t('dispatch.duty.phone')} value={value.phone} onChange={(e) => set({ ...value, phone: e.target.value })} />
    </td>
  );
  return (
    <tr data-testid={`duty-edit-${entry.departmentId}`}>
      <td>{entry.departmentName}</td>
      {person(leader, setLeader)}
      {person(liaison, setLiaison)}
      <td colSpan={2}>
        <button type="button" disabled={isLoading} onClick={() => void onSave()}>
          {t('dispatch.duty.save')}
        </button>
        <button type="button" onClick={onDone}>
          {t('dispatch.duty.cancel')}
        </button>
        {error && <div className="error">{t('dispatch.duty.failed', { message: errorMessage(error) })}</div>}
      </td>
    </tr>
  );
}
