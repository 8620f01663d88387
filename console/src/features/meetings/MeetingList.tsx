import { useTranslation } from 'react-i18next';
import { useAppDispatch } from '../../app/hooks.ts';
import { joinMeeting } from '../meeting/meetingThunks.ts';
import { useGetMeetingsQuery } from './meetingsApi.ts';

export function MeetingList() {
  const { t } = useTranslation();
  const dispatch = useAppDispatch();
  const { data: meetings, isLoading, isError } = useGetMeetingsQuery(undefined, { pollingInterval: 10_000 });

  if (isLoading) return <p className="muted">{t('meetings.loading')}</p>;
  if (isError) return <p className="error">{t('meetings.loadFailed')}</p>;
  return (
    <section className="meetings">
      <h2>{t('meetings.title')}</h2>
      {!meetings?.length && <p className="muted">{t('meetings.empty')}</p>}
      <ul className="meeting-list">
        {meetings?.map((m) => (
          <li key={m.id} className="meeting-item" data-testid={`meeting-${m.id}`}>
            <div>
              <div className="meeting-title">{m.title}</div>
              <div className="muted">
                {t(`meetings.status.${m.status}`)} · {t('meetings.invited', { count: m.invitedVenueIds.length })} ·{' '}
                {t('meetings.present', { count: m.present })}
              </div>
            </div>
            <button
              type="button"
              data-testid={`join-${m.id}`}
              disabled={m.status === 'ended'}
              onClick={() => void dispatch(joinMeeting(m.id))}
            >
              {t('meetings.join')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
