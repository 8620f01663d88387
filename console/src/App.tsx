import { useAppSelector } from './app/hooks.ts';
import { LoginPage } from './features/auth/LoginPage.tsx';
import { selectToken } from './features/auth/authSlice.ts';
import { MeetingPage } from './features/meeting/MeetingPage.tsx';
import { selectMeeting } from './features/meeting/meetingSlice.ts';
import { MeetingList } from './features/meetings/MeetingList.tsx';
import { Header } from './features/shell/Header.tsx';
import { NoticeBar } from './features/meeting/NoticeBar.tsx';

export function App() {
  const token = useAppSelector(selectToken);
  const meeting = useAppSelector(selectMeeting);
  if (!token) return <LoginPage />;
  return (
    <div className="shell">
      <Header />
      <main className="content">
        <NoticeBar />
        {meeting.meetingId ? <MeetingPage /> : <MeetingList />}
      </main>
    </div>
  );
}
