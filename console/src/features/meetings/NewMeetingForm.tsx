import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppSelector } from '../../app/hooks.ts';
import { errorMessage } from '../../app/errorMessage.ts';
import { meetingKindSchema, type MeetingKind } from '../../../../signaling/src/protocol/index.ts';
import { selectUser } from '../auth/authSlice.ts';
import { useCreateMeetingMutation, useGetGroupsQuery, useGetVenuesQuery } from './meetingsApi.ts';
import { VenuePicker } from './VenuePicker.tsx';

/**
 * Schedules a meeting. The chair or an admin can call full-network and grouped meetings; any venue
 * operator can start an ad hoc (point-to-point or multipoint) meeting with venues it picks.
 */
export function NewMeetingForm(props: { onDone: () => void }) {
  const { t } = useTranslation();
  const user = useAppSelector(selectUser);
  const manages = user?.role === 'admin' || user?.role === 'chair';
  const kinds: MeetingKind[] = manages ? ['full', 'group', 'adhoc'] : ['adhoc'];
  const { data: venues = [] } = useGetVenuesQuery();
  const { data: groups = [] } = useGetGroupsQuery(undefined, { skip: !manages });
  const [create, { isLoading, error }] = useCreateMeetingMutation();
  const [title, setTitle] = useState('');
  const [kind, setKind] = useState<MeetingKind>(kinds[0]!);
  const [groupId, setGroupId] = useState('');
  const [invited, setInvited] = useState<string[]>([]);
  const [startsAt, setStartsAt] = useState('');

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const result = await create({
      title,
      kind,
      invitedVenueIds: kind === 'full' ? [] : invited,
      ...(kind === 'group' && groupId ? { groupId } : {}),
      ...(startsAt ? { startsAt: new Date(startsAt).toISOString() } : {}),
    });
    if ('data' in result) props.onDone();
  };

  return (
    <form className="panel new-meeting" data-testid="new-meeting-form" onSubmit={(e) => void onSubmit(e)}>
      <h3>{t('schedule.title')}</h3>
      <label>
        {t('schedule.meetingTitle')}
        <input data-testid="new-meeting-title" value={title} onChange={(e) => setTitle(e.target.value)} />
      </label>
      <label>
        {t('schedule.kind')}
        <select data-testid="new-meeting-kind" value={kind} onChange={(e) => setKind(meetingKindSchema.parse(e.target.value))}>
          {kinds.map((k) => (
            <option key={k} value={k}>{t(`schedule.kinds.${k}`)}</option>
          ))}
        </select>
      </label>
      <label>
        {t('schedule.startsAt')}
        <input type="datetime-local" data-testid="new-meeting-starts" value={startsAt} onChange={(e) => setStartsAt(e.target.value)} />
      </label>
      {kind === 'group' && (
        <label>
          {t('schedule.group')}
          <select data-testid="new-meeting-group" value={groupId} onChange={(e) => setGroupId(e.target.value)}>
            <option value="">{t('schedule.noGroup')}</option>
            {groups.map((g) => (
              <option key={g.id} value={g.id}>{g.name}</option>
            ))}
          </select>
        </label>
      )}
      {kind !== 'full' && (
        <VenuePicker venues={venues.filter((v) => v.id !== user?.venueId)} selected={invited} onChange={setInvited} testId="new-meeting-venue" />
      )}
      {error && <p className="error" role="alert">{errorMessage(error)}</p>}
      <div className="chair-row">
        <button type="submit" data-testid="new-meeting-submit" disabled={isLoading || !title}>{t('schedule.create')}</button>
        <button type="button" onClick={props.onDone}>{t('schedule.cancel')}</button>
      </div>
    </form>
  );
}
