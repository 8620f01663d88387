import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppSelector } from '../../app/hooks.ts';
import { selectUser } from '../auth/authSlice.ts';
import { BroadcastList } from './BroadcastList.tsx';
import { ComposeBroadcast } from './ComposeBroadcast.tsx';
import './sms.css';

/** SMS broadcast: compose and send (dispatchers, admins; the chair meeting notices), and the broadcasts sent. */
export function SmsPage() {
  const { t } = useTranslation();
  const user = useAppSelector(selectUser);
  const [selected, setSelected] = useState<string | null>(null);
  return (
    <section className="sms" data-testid="sms-page">
      <h2>{t('sms.title')}</h2>
      <ComposeBroadcast chairOnly={user?.role === 'chair'} onSent={setSelected} />
      <BroadcastList selected={selected} onSelect={setSelected} />
    </section>
  );
}
