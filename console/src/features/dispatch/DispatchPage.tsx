import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppSelector } from '../../app/hooks.ts';
import { selectUser } from '../auth/authSlice.ts';
import { DepartmentTasks } from './DepartmentTasks.tsx';
import { DispatchReport } from './DispatchReport.tsx';
import { DutySheetView } from './DutySheetView.tsx';
import { IncidentsView } from './IncidentsView.tsx';
import { NoticeBanner } from './NoticeBanner.tsx';
import './dispatch.css';

type Tab = 'incidents' | 'tasks' | 'duty' | 'report';

/**
 * The dispatch centre's screen. Dispatchers and admins run incidents; the chair reads them;
 * a department's liaison (or its venue operator) works on its own tasks. Everyone sees the duty sheet.
 */
export function DispatchPage() {
  const { t } = useTranslation();
  const user = useAppSelector(selectUser);
  const manages = user?.role === 'dispatcher' || user?.role === 'admin';
  const reads = manages || user?.role === 'chair';
  const tabs: Tab[] = reads ? ['incidents', 'duty', 'report'] : ['tasks', 'duty'];
  const [tab, setTab] = useState<Tab>(tabs[0]!);
  return (
    <section className="dispatch" data-testid="dispatch-page">
      <h2>{t('dispatch.title')}</h2>
      {(manages || !reads) && <NoticeBanner />}
      <nav className="dispatch-tabs" role="tablist">
        {tabs.map((name) => (
          <button key={name} type="button" role="tab" aria-selected={tab === name} data-testid={`dispatch-tab-${name}`} onClick={() => setTab(name)}>
            {t(`dispatch.tabs.${name}`)}
          </button>
        ))}
      </nav>
      {tab === 'incidents' && <IncidentsView manages={manages} />}
      {tab === 'tasks' && <DepartmentTasks />}
      {tab === 'duty' && <DutySheetView manages={manages} />}
      {tab === 'report' && <DispatchReport />}
    </section>
  );
}
