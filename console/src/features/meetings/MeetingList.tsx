import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppDispatch, useAppSelector } from '../../app/hooks.ts';
import { selectUser } from '../auth/authSlice.ts';
import { joinMeeting } from '../meeting/meetingThunks.ts';
import { GroupsPanel } from './GroupsPanel.tsx';
import { useGetMeetingsQuery } from './meetingsApi.ts';
import { NewMeetingForm } from './NewMeetingForm.tsx';

export function MeetingList() {
  const { t, i18n } = useTranslation();
  const dispatch = useAppDispatch();
  const user = useAppSelector(selectUser);
  const manages = user?.role === 'admin' || user?.role === 'chair';
  const [creating, setCreating] = useState(false);
  const { data: meetings, isLoading, isError } = useGetMeetingsQuery(undefined, { pollingInterval: 10_000 });
  const when = (iso: string) => new Date(iso).toLocaleString(i18n.language);

  if (isLoading) return <p className="muted">{t('meetings.loading')}</p>;
  if (isError) return <p className="error">{t('meetings.loadFailed')}</p>;
  return (
    <div className="meetings-layout">
      <section className="meetings">
        <div className="meeting-bar">
          <h2>{t('meetings.title')}</h2>
          {user?.venueId && !creating && (
            <button type="button" data-testid="new-meeting" onClick={() => setCreating(true)}>{t('schedule.new')}</button>
          )}
        </div>
        {creating && <NewMeetingForm onDone={() => setCreating(false)} />}
        {!meetings?.length && <p className="muted">{t('meetings.empty')}</p>}
        <ul className="meeting-list">
          {meetings?.map((m) => (
            <li key={m.id} className="meeting-item" data-testid={`meeting-${m.id}`}>
              <div>
                <div className="meeting-title">{m.title}</div>
                <div className="muted">
                  {t(`schedule.kinds.${m.kind}`)} · {t(`meetings.status.${m.status}`)} · {when(m.startsAt)} ·{' '}
                  {t('meetings.invited', { count: m.invitedVenueIds.length })} · {t('meetings.present', { count: m.present })}
                </div>
              </div>
              <button
                type="button"
                data-testid={`join-${m.id}`}
                disabled={m.status === 'ended' || (m.status === 'scheduled' && m.chairVenueId !== user?.venueId)}
                onClick={() => void dispatch(joinMeeting(m.id))}
              >
                {t('meetings.join')}
              </button>
            </li>
          ))}
        </ul>
      </section>
      {manages && <GroupsPanel />}
    </div>
  );
}
