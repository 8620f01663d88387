import { useTranslation } from 'react-i18next';
import { useGetNoticesQuery } from './dispatchApi.ts';
import { formatTime } from './timelineText.ts';

/** The latest escalations and follow-up reminders (the dispatcher sees all, a department its own). */
export function NoticeBanner() {
  const { t, i18n } = useTranslation();
  const { data: notices } = useGetNoticesQuery(undefined, { pollingInterval: 5000 });
  if (!notices?.length) return null;
  return (
    <ul className="notice-list" aria-label={t('dispatch.notices.title')} data-testid="dispatch-notices">
      {notices.slice(0, 5).map((n) => (
        <li key={`${n.at}-${n.departmentId}-${n.kind}-${n.step ?? 0}`} data-testid="dispatch-notice" data-kind={n.kind}>
          <time>{formatTime(n.at, i18n.language)}</time>{' '}
          {n.kind === 'escalation'
            ? t('dispatch.notices.escalation', { department: n.departmentName, role: t(`dispatch.role.${n.step === 1 ? 'liaison' : n.step === 2 ? 'head' : 'leader'}`) })
            : t('dispatch.notices.followup', { department: n.departmentName, count: n.taskIds.length })}
        </li>
      ))}
    </ul>
  );
}
