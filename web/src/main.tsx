import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Alerts } from './pages/alerts.js';
import { Audits } from './pages/audits.js';
import { ChecklistPage } from './pages/checklist.js';
import { Checks } from './pages/checks.js';
import { Overview } from './pages/overview.js';
import { Probes } from './pages/probes.js';
import { RunPage } from './pages/run.js';
import { Runs } from './pages/runs.js';
import './styles.css';

/** Pages by hash (`#/runs/<id>`): the server serves one index.html and never needs to know the routes. */
const PAGES = [
  ['overview', 'Overview'],
  ['runs', 'Runs'],
  ['checks', 'Checks'],
  ['audits', 'Audits'],
  ['probes', 'Probes'],
  ['alerts', 'Alerts'],
  ['checklist', 'Checklist'],
] as const;

function currentRoute(): string[] {
  return window.location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
}

function App() {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const onChange = () => {
      setRoute(currentRoute());
      window.scrollTo(0, 0);
    };
    window.addEventListener('hashchange', onChange);
    return () => {
      window.removeEventListener('hashchange', onChange);
    };
  }, []);
  const [page = 'overview', id] = route;
  const active = page === '' ? 'overview' : page;
  return (
    <>
      <header class="top">
        <span class="brand">mimir</span>
        <nav aria-label="Pages">
          {PAGES.map(([key, name]) => (
            <a key={key} href={`#/${key}`} aria-current={active === key ? 'page' : undefined}>
              {name}
            </a>
          ))}
        </nav>
      </header>
      <main>{pageFor(active, id)}</main>
    </>
  );
}

function pageFor(page: string, id: string | undefined) {
  switch (page) {
    case 'runs':
      return id === undefined || id === '' ? <Runs /> : <RunPage id={id} />;
    case 'checks':
      return <Checks />;
    case 'audits':
      return <Audits />;
    case 'probes':
      return <Probes />;
    case 'alerts':
      return <Alerts />;
    case 'checklist':
      return <ChecklistPage />;
    default:
      return <Overview />;
  }
}

const root = document.getElementById('app');
if (root) render(<App />, root);
