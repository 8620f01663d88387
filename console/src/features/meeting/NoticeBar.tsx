import { useTranslation } from 'react-i18next';
import { useAppDispatch, useAppSelector } from '../../app/hooks.ts';
import { noticeDismissed, selectMeeting } from './meetingSlice.ts';

/** What happened to this venue's meeting (ended, removed, refused…), in the operator's language. */
export function NoticeBar() {
  const { t, i18n } = useTranslation();
  const dispatch = useAppDispatch();
  const notice = useAppSelector(selectMeeting).notice;
  if (!notice) return null;
  const code = 'code' in notice ? notice.code : undefined;
  const text =
    code && i18n.exists(`errors.${code}`)
      ? t(`errors.${code}`, { message: 'message' in notice ? notice.message : '' })
      : 'message' in notice
        ? t(notice.key, { message: notice.message })
        : t(notice.key);
  return (
    <p className="error notice" role="alert" data-testid="meeting-notice" data-key={notice.key} data-code={code ?? ''}>
      <span>{text}</span>
      <button type="button" onClick={() => dispatch(noticeDismissed())}>
        {t('meeting.dismiss')}
      </button>
    </p>
  );
}
