import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { Api } from './api.js';
import { useStore } from './hooks.js';
import { EventFeed } from './live-events.js';
import { Dashboard } from './pages/dashboard.js';
import { Events } from './pages/events.js';
import { Login, Logo } from './pages/login.js';
import { RemoteForm } from './pages/remote-form.js';
import { Repositories } from './pages/repositories.js';
import { RepositoryPage } from './pages/repository.js';
import { VirtualForm } from './pages/virtual-form.js';
import { href, useRoute, type Route } from './router.js';
import { forgetToken, loadToken, saveToken } from './session.js';
import { SessionContext, useSession, type Session } from './session-context.js';
import { StatsHistory } from './stats-history.js';

/** Asks for the token, then shows the app; a 401/403 later (token rotated) asks again. */
export function App() {
  const [token, setToken] = useState(loadToken);
  const [reason, setReason] = useState<string | undefined>();
  if (!token) {
    return (
      <Login
        reason={reason}
        onLogin={(t) => {
          saveToken(t);
          setReason(undefined);
          setToken(t);
        }}
      />
    );
  }
  return (
    <Shell
      key={token}
      token={token}
      onLogout={(why) => {
        forgetToken();
        setReason(why);
        setToken(null);
      }}
    />
  );
}

interface Toast {
  id: number;
  message: string;
  tone: 'ok' | 'error';
}

function Shell({ token, onLogout }: { token: string; onLogout(reason?: string): void }) {
  const route = useRoute();
  const [toasts, setToasts] = useState<Toast[]>([]);
  const session = useMemo<Session>(() => {
    const api = new Api(token, (error) => onLogout(`The server refused the token (${error.code}); sign in again.`));
    let next = 0;
    return {
      api,
      feed: new EventFeed(api.eventsUrl()),
      history: new StatsHistory(api),
      logout: () => onLogout(),
      notify: (message, tone = 'ok') => {
        const id = ++next;
        setToasts((t) => [...t.slice(-2), { id, message, tone }]);
        setTimeout(() => setToasts((t) => t.filter((x) => x.id !== id)), 5000);
      },
    };
  }, [token]);
  useEffect(() => {
    session.feed.open();
    session.history.start();
    return () => {
      session.feed.close();
      session.history.stop();
    };
  }, [session]);
  return (
    <SessionContext.Provider value={session}>
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}>
        Skip to content
      </a>
      <header class="topbar">
        <a class="brand" href={href()}>
          <Logo /> ArtifactAPI
        </a>
        <nav aria-label="Main">
          <NavLink to={href()} active={route.page === 'dashboard'}>
            Dashboard
          </NavLink>
          <NavLink to={href('repositories')} active={['repositories', 'new-remote', 'new-virtual', 'repository', 'edit-remote', 'edit-virtual'].includes(route.page)}>
            Repositories
          </NavLink>
          <NavLink to={href('events')} active={route.page === 'events'}>
            Events <FeedDot />
          </NavLink>
        </nav>
        <button type="button" class="button small ghost on-dark" onClick={() => session.logout()}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Page route={route} />
      </main>
      <div class="toasts" role="status" aria-live="polite">
        {toasts.map((t) => (
          <div key={t.id} class={`toast ${t.tone}`}>
            {t.message}
          </div>
        ))}
      </div>
    </SessionContext.Provider>
  );
}

function NavLink({ to, active, children }: { to: string; active: boolean; children: ComponentChildren }) {
  return (
    <a href={to} aria-current={active ? 'page' : undefined}>
      {children}
    </a>
  );
}

/** A dot in the nav that shows whether the event stream is connected. */
function FeedDot() {
  const { feed } = useSession();
  useStore(feed);
  return <span class={`dot ${feed.state}`} title={`event stream ${feed.state}`} aria-hidden="true" />;
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'dashboard':
      return <Dashboard />;
    case 'repositories':
      return <Repositories />;
    case 'new-remote':
      return <RemoteForm />;
    case 'edit-remote':
      return <RemoteForm key={route.name} name={route.name} />;
    case 'new-virtual':
      return <VirtualForm />;
    case 'edit-virtual':
      return <VirtualForm key={route.name} name={route.name} />;
    case 'repository':
      return <RepositoryPage key={`${route.kind}/${route.name}`} kind={route.kind} name={route.name} tab={route.tab} />;
    case 'events':
      return <Events />;
    case 'not-found':
      return (
        <section class="card">
          <h1>Not found</h1>
          <p>
            No page at <code>{route.path}</code>. <a href={href()}>Go to the dashboard</a>.
          </p>
        </section>
      );
  }
}
