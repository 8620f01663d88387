import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/errorMessage.ts';
import { useAssignTasksMutation, useGetDepartmentsQuery } from './dispatchApi.ts';

/** Pick departments (linkage departments first) and assign them tasks; each is told by SMS. */
export function AssignTasks({ incidentId, assigned }: { incidentId: string; assigned: string[] }) {
  const { t } = useTranslation();
  const { data: departments } = useGetDepartmentsQuery();
  const [assign, { isLoading, error }] = useAssignTasksMutation();
  const [picked, setPicked] = useState<string[]>([]);
  const [instructions, setInstructions] = useState('');
  const [search, setSearch] = useState('');
  const available = (departments ?? []).filter((d) => !assigned.includes(d.id));
  const linkage = available.filter((d) => d.category !== null);
  const others = available.filter((d) => d.category === null && search.trim() !== '' && d.name.includes(search.trim()));
  const toggle = (id: string) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id]));

  const onAssign = async () => {
    const result = await assign({ id: incidentId, departmentIds: picked, instructions });
    if ('data' in result) {
      setPicked([]);
      setInstructions('');
    }
  };

  const checkbox = (d: { id: string; name: string }) => (
    <label key={d.id}>
      <input type="checkbox" data-testid={`assign-dept-${d.id}`} checked={picked.includes(d.id)} onChange={() => toggle(d.id)} />
      {d.name}
    </label>
  );

  return (
    <div className="dispatch-panel" data-testid="assign-tasks">
      <h3>{t('dispatch.assign.title')}</h3>
      <div className="muted">{t('dispatch.assign.linkage')}</div>
      <div className="dept-picker">{linkage.map(checkbox)}</div>
      <div className="dispatch-row">
        <span className="muted">{t('dispatch.assign.more')}</span>
        <input data-testid="assign-search" placeholder={t('dispatch.assign.search')} value={search} onChange={(e) => setSearch(e.target.value)} />
      </div>
      {others.length > 0 && <div className="dept-picker">{others.slice(0, 40).map(checkbox)}</div>}
      <label className="dispatch-form">
        {t('dispatch.assign.instructions')}
        <textarea data-testid="assign-instructions" value={instructions} maxLength={500} onChange={(e) => setInstructions(e.target.value)} />
      </label>
      {error && <p className="error">{t('dispatch.assign.failed', { message: errorMessage(error) })}</p>}
      <div className="dispatch-row">
        <button type="button" data-testid="assign-submit" disabled={picked.length === 0 || isLoading} onClick={() => void onAssign()}>
          {isLoading ? t('dispatch.assign.submitting') : t('dispatch.assign.submit')}
        </button>
      </div>
    </div>
  );
}
