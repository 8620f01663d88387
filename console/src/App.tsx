import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppSelector } from './app/hooks.ts';
import { LoginPage } from './features/auth/LoginPage.tsx';
import { selectToken, selectUser } from './features/auth/authSlice.ts';
import { DispatchPage } from './features/dispatch/DispatchPage.tsx';
import { MeetingPage } from './features/meeting/MeetingPage.tsx';
import { selectMeeting } from './features/meeting/meetingSlice.ts';
import { NoticeBar } from './features/meeting/NoticeBar.tsx';
import { MeetingList } from './features/meetings/MeetingList.tsx';
import { RecordingsPage } from './features/recordings/RecordingsPage.tsx';
import { Header } from './features/shell/Header.tsx';
import { SmsPage } from './features/sms/SmsPage.tsx';

type Tab = 'meetings' | 'recordings' | 'dispatch' | 'sms';

export function App() {
  const token = useAppSelector(selectToken);
  const user = useAppSelector(selectUser);
  if (!token) return <LoginPage />;
  // A new login starts with a fresh shell (its own starting tab).
  return <Shell key={user?.id ?? 'anonymous'} />;
}

function Shell() {
  const { t } = useTranslation();
  const user = useAppSelector(selectUser);
  const meeting = useAppSelector(selectMeeting);
  const dispatchFirst = user?.role === 'dispatcher' || user?.role === 'liaison';
  // Until the operator picks a tab, each role starts where its work is (chosen once the user is known).
  const [picked, setTab] = useState<Tab | null>(null);
  const tab: Tab = picked ?? (dispatchFirst ? 'dispatch' : 'meetings');
  const sendsSms = user?.role === 'dispatcher' || user?.role === 'admin' || user?.role === 'chair';
  const tabs: Tab[] = sendsSms ? ['meetings', 'recordings', 'dispatch', 'sms'] : ['meetings', 'recordings', 'dispatch'];
  return (
    <div className="shell">
      <Header />
      {!meeting.meetingId && (
        <nav className="tabs">
          {tabs.map((name) => (
            <button key={name} type="button" data-testid={`tab-${name}`} className={tab === name ? 'active' : ''} onClick={() => setTab(name)}>
              {t(`shell.tabs.${name}`)}
            </button>
          ))}
        </nav>
      )}
      <main className="content">
        <NoticeBar />
        {meeting.meetingId ? <MeetingPage /> : tab === 'recordings' ? <RecordingsPage /> : tab === 'dispatch' ? <DispatchPage /> : tab === 'sms' && sendsSms ? <SmsPage /> : <MeetingList />}
      </main>
    </div>
  );
}
