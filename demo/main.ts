/**
 * The demo portal: wires the Timpora widgets into an intranet-style page. Everything here is what an agency
 * developer would write in their own portal; the widgets come from the package's `define` entry.
 */
import { createTimporaClient, registerTimporaSync, type TimporaClient } from '../sdk/index.ts';
import { AGENCIES, sampleOperations, sampleRecords } from './sample-data.ts';
import type { TimporaProvider } from '../src/index.ts';
import type { ForeignerRecord } from '../sdk/model/index.ts';
import { initGuide } from './guide.ts';

/** Reference server the demo shares records through (set by `npm start`); absent: offline only. */
const SERVER: string | undefined = import.meta.env.VITE_TIMPORA_SERVER;

const TEXT = {
  id: {
    skip: 'Langsung ke konten', appName: 'Portal Timpora', office: 'Kantor Imigrasi Kelas I Jakarta Utara',
    signedInAs: 'Masuk sebagai', language: 'Bahasa', menu: 'Menu', navHome: 'Beranda', navScan: 'Pindai dokumen',
    navRecords: 'Data orang asing', navCalendar: 'Kalender operasi', homeTitle: 'Selamat datang di Portal Timpora',
    homeIntro: 'Demo ini menunjukkan widget Timpora Kit di dalam portal intranet instansi. Data contoh tersimpan di peramban Anda (IndexedDB) dan, bila server acuan berjalan, dibagikan antarinstansi.',
    guideButton: 'Panduan',
    guideIntro: 'Baru pertama kali? Tombol "Panduan" di kepala halaman memandu Anda membaca paspor contoh, mengisi formulir, menyimpan, dan melihatnya dari instansi lain.',
    scanTitle: 'Pindai dokumen perjalanan',
    recordsTitle: 'Data orang asing', recentRecords: 'Data terbaru', searchName: 'Cari nama',
    calendarTitle: 'Kalender operasi dan rapat koordinasi',
    footer: 'Timpora Kit: demo dengan data contoh, bukan data orang sungguhan.',
    statRecords: 'data orang asing', statOps: 'operasi dan rapat'
  },
  en: {
    skip: 'Skip to content', appName: 'Timpora Portal', office: 'North Jakarta Immigration Office (Class I)',
    signedInAs: 'Signed in as', language: 'Language', menu: 'Menu', navHome: 'Home', navScan: 'Scan document',
    navRecords: 'Foreigner records', navCalendar: 'Operations calendar', homeTitle: 'Welcome to the Timpora Portal',
    homeIntro: 'This demo shows the Timpora Kit widgets inside an agency intranet portal. Sample data is kept in your browser (IndexedDB) and, when the reference server runs, shared between agencies.',
    guideButton: 'Guide',
    guideIntro: 'First time here? The "Guide" button in the page header walks you through reading the sample passport, filling the form, saving, and seeing the record from another agency.',
    scanTitle: 'Scan a travel document',
    recordsTitle: 'Foreigner records', recentRecords: 'Latest records', searchName: 'Search by name',
    calendarTitle: 'Operations and coordination meetings calendar',
    footer: 'Timpora Kit: a demo with sample data, not real people.',
    statRecords: 'foreigner records', statOps: 'operations and meetings'
  },
} as const;
type Lang = keyof typeof TEXT;

const provider = document.querySelector<TimporaProvider>('#provider')!;
const params = new URLSearchParams(location.search);
const agencySelect = document.querySelector<HTMLSelectElement>('#agency')!;
const currentAgency = params.get('agency') ?? localStorage.getItem('timpora-demo-agency') ?? 'imi-jakut';

let guide: ReturnType<typeof initGuide> | undefined;

function lang(): Lang {
  return document.documentElement.lang === 'en' ? 'en' : 'id';
}

function applyText(): void {
  const t = TEXT[lang()];
  for (const el of document.querySelectorAll<HTMLElement>('[data-i18n]')) {
    const key = el.dataset.i18n as keyof typeof t;
    if (key in t) el.textContent = t[key];
  }
  for (const b of document.querySelectorAll<HTMLButtonElement>('[data-lang]')) {
    b.setAttribute('aria-pressed', String(b.dataset.lang === lang()));
  }
  guide?.refresh();
  void renderStats();
}

function setLang(next: Lang): void {
  // Widgets follow the document's `lang` at run time.
  document.documentElement.lang = next;
  localStorage.setItem('timpora-demo-lang', next);
  applyText();
}

for (const b of document.querySelectorAll<HTMLButtonElement>('[data-lang]')) {
  b.addEventListener('click', () => setLang(b.dataset.lang === 'en' ? 'en' : 'id'));
}

for (const a of AGENCIES) {
  const option = document.createElement('option');
  option.value = a.id;
  option.textContent = a.shortName ?? a.name;
  option.selected = a.id === currentAgency;
  agencySelect.append(option);
}
agencySelect.addEventListener('change', () => {
  localStorage.setItem('timpora-demo-agency', agencySelect.value);
  const url = new URL(location.href);
  url.searchParams.set('agency', agencySelect.value);
  location.assign(url);
});

// Hash navigation between the portal's pages.
function showView(): void {
  const id = location.hash.slice(1) || 'beranda';
  for (const section of document.querySelectorAll<HTMLElement>('.view')) section.hidden = section.id !== id;
  for (const a of document.querySelectorAll<HTMLAnchorElement>('.portal-nav a')) {
    if (a.hash === `#${id}`) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}
window.addEventListener('hashchange', () => {
  showView();
  // Navigation driven from the guided first run keeps focus in the guide; the guide moves it itself.
  if (!document.querySelector('#guide')?.contains(document.activeElement)) document.querySelector<HTMLElement>('#content')?.focus();
});

/**
 * Signs in to the reference server with its dev-only token endpoint, as the chosen agency. A real portal gets
 * the token from the agency's identity provider instead.
 */
async function devToken(agency: string): Promise<string> {
  const response = await fetch(`${SERVER}/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sub: `demo-${agency}`, agency, role: 'officer' }),
  });
  if (!response.ok) throw new Error(`sign-in failed: ${response.status}`);
  return ((await response.json()) as { accessToken: string }).accessToken;
}

/** The portal's client: IndexedDB per agency, synced with the reference server when it runs. */
async function createClient(): Promise<TimporaClient> {
  const dbName = `timpora-demo-${currentAgency}`;
  if (!SERVER) return createTimporaClient({ agencyId: currentAgency, dbName });
  let token: string | undefined;
  const tokenProvider = async (): Promise<string> => (token ??= await devToken(currentAgency));
  registerTimporaSync();
  return createTimporaClient({ agencyId: currentAgency, dbName, server: { baseUrl: SERVER, token: tokenProvider } });
}

/**
 * First run. Offline, this browser gets all the sample data. With the reference server, each agency writes only
 * what it owns (agencies themselves are registered on the server by `npm start`), and the other agencies'
 * windows receive it through sync: open two windows as two agencies to watch records travel.
 */
async function seed(client: TimporaClient): Promise<void> {
  const key = `timpora-demo-seeded-${currentAgency}`;
  if (localStorage.getItem(key)) return;
  if (!SERVER) await client.agencies.putMany([...AGENCIES]);
  await client.operations.putMany(sampleOperations().filter((o) => !SERVER || o.sourceAgency === currentAgency));
  await client.records.putMany(sampleRecords().filter((r) => !SERVER || r.sourceAgency === currentAgency));
  localStorage.setItem(key, '1');
}

async function renderStats(): Promise<void> {
  const client = provider.client;
  const box = document.querySelector('#stats');
  if (!client || !box) return;
  const t = TEXT[lang()];
  const [records, ops] = await Promise.all([client.records.count(), client.operations.count()]);
  box.replaceChildren(...[[records, t.statRecords], [ops, t.statOps]].map(([n, label]) => {
    const div = document.createElement('div');
    const strong = document.createElement('strong');
    strong.textContent = String(n);
    div.append(strong, ` ${label}`);
    return div;
  }));
}

async function renderRecords(query = ''): Promise<void> {
  const client = provider.client;
  const list = document.querySelector('#records');
  if (!client || !list) return;
  const items: ForeignerRecord[] = query
    ? await client.records.searchByName(query, { limit: 20 })
    : (await client.records.query({ sort: 'updatedAt', direction: 'desc', limit: 20 })).items;
  list.replaceChildren(...items.map((r) => {
    const li = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    // textContent keeps names inert, whatever they contain.
    button.textContent = `${r.identity.surname}, ${r.identity.givenNames} (${r.identity.nationality})`;
    button.addEventListener('click', () => {
      const form = document.querySelector('#form') as (HTMLElement & { record?: ForeignerRecord }) | null;
      if (form) form.record = r;
    });
    li.append(button);
    return li;
  }));
}

document.querySelector<HTMLInputElement>('#record-search')?.addEventListener('input', (e) => {
  void renderRecords((e.target as HTMLInputElement).value.trim());
});

// After a scan, take the officer to the form, which fills itself from the read event.
document.addEventListener('timpora-mrz-read', () => {
  location.hash = '#orang-asing';
});

async function start(): Promise<void> {
  setLang(params.get('lang') === 'en' || localStorage.getItem('timpora-demo-lang') === 'en' ? 'en' : 'id');
  showView();
  const client = await createClient();
  // Set before the tags are defined, so the provider hands this client down instead of creating its own.
  provider.client = client;
  // The header's status element sits outside the provider: hand it the sync engine directly.
  const status = document.querySelector('timpora-sync-status') as (HTMLElement & { sync?: unknown }) | null;
  if (status && client.sync) status.sync = client.sync;
  await import('../src/define.ts');
  // The guided first run (its sample passport, demo/public/sample-passport.jpg, is rendered by
  // scripts/make-demo-assets.ts: the ICAO specimen, a fictional person).
  const other = AGENCIES.find((a) => a.id !== currentAgency) ?? AGENCIES[0]!;
  guide = initGuide({
    lang,
    client: () => provider.client,
    online: Boolean(SERVER),
    otherAgency: { id: other.id, name: other.shortName ?? other.name },
    showView: (id) => {
      if (location.hash.slice(1) !== id) location.hash = `#${id}`;
    },
  });
  await seed(client);
  await Promise.all([renderStats(), renderRecords()]);
  provider.client?.records.subscribe(() => {
    void renderStats();
    void renderRecords();
  });
}

void start();
