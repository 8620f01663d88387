import { useTranslation } from 'react-i18next';
import { MESSAGE_STATUSES } from '../../../../signaling/src/sms/smsProtocol.ts';
import { errorMessage } from '../../app/errorMessage.ts';
import { useGetBroadcastQuery, useGetBroadcastsQuery } from './smsApi.ts';

const POLL_MS = 2_000;

/** The broadcasts sent, with counts per status; the selected one's recipients and their statuses. */
export function BroadcastList({ selected, onSelect }: { selected: string | null; onSelect: (id: string) => void }) {
  const { t } = useTranslation();
  const { data, error } = useGetBroadcastsQuery(undefined, { pollingInterval: POLL_MS });
  return (
    <div className="sms-panel" data-testid="sms-broadcasts">
      <h3>{t('sms.list.title')}</h3>
      {error && <p className="error">{t('sms.list.loadFailed', { message: errorMessage(error) })}</p>}
      {data && data.length === 0 && <p className="muted">{t('sms.list.empty')}</p>}
      {data && data.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>{t('sms.list.createdAt')}</th>
              <th>{t('sms.list.kind')}</th>
              <th>{t('sms.list.text')}</th>
              <th>{t('sms.list.recipients')}</th>
              <th>{t('sms.list.statuses')}</th>
            </tr>
          </thead>
          <tbody>
            {data.map((b) => (
              <tr key={b.id} data-testid={`sms-broadcast-${b.id}`} className={b.id === selected ? 'selected' : ''} onClick={() => onSelect(b.id)}>
                <td>{new Date(b.createdAt).toLocaleString()}</td>
                <td>{t(`sms.kinds.${b.kind}`)}</td>
                <td>{b.text.length > 40 ? `${b.text.slice(0, 40)}…` : b.text}</td>
                <td>{b.recipients}</td>
                <td>
                  {MESSAGE_STATUSES.filter((s) => (b.counts[s] ?? 0) > 0)
                    .map((s) => t('sms.list.count', { status: t(`sms.statuses.${s}`), count: b.counts[s] ?? 0 }))
                    .join(t('sms.list.separator'))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {selected && <BroadcastRecipients id={selected} />}
    </div>
  );
}

function BroadcastRecipients({ id }: { id: string }) {
  const { t } = useTranslation();
  const { data, error } = useGetBroadcastQuery(id, { pollingInterval: POLL_MS });
  return (
    <div data-testid="sms-recipients" data-done={data?.broadcast.done ? 'true' : 'false'}>
      <h3>{t('sms.recipients.title')}</h3>
      {error && <p className="error">{t('sms.list.loadFailed', { message: errorMessage(error) })}</p>}
      {data && (
        <table>
          <thead>
            <tr>
              <th>{t('sms.recipients.to')}</th>
              <th>{t('sms.recipients.status')}</th>
              <th>{t('sms.recipients.updatedAt')}</th>
              <th>{t('sms.recipients.error')}</th>
            </tr>
          </thead>
          <tbody>
            {data.recipients.map((r) => (
              <tr key={r.messageId} data-testid={`sms-recipient-${r.to}`} data-status={r.status}>
                <td>{r.to}</td>
                <td>
                  <span className={`sms-status ${r.status}`}>{t(`sms.statuses.${r.status}`)}</span>
                </td>
                <td>{new Date(r.updatedAt).toLocaleString()}</td>
                <td>{r.error ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
