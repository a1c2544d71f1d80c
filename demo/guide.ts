/**
 * The demo's guided first run: a short, non-modal walkthrough panel at the top of the page.
 *
 * 1. the ICAO specimen passport is shown; read it with the camera, upload a photo, or feed the very same image
 *    through the scanner's upload path (`readImage`) with one click;
 * 2. the foreigner form is pre-filled from that read;
 * 3. save (IndexedDB, works offline; the outbox count shows when sync is on);
 * 4. open a second window as another agency.
 *
 * Shown on the first visit (remembered in localStorage), re-opened from the header's "Panduan"/"Guide" button.
 * Keyboard: every control is a native button, link or input; Escape closes; each step change moves focus to the
 * step's heading and is announced through a polite live region outside the panel (so closing is announced too).
 * CSP: no inline styles or scripts; all text goes in through `textContent`.
 */
import type { TimporaClient } from '../sdk/index.ts';
import type { MrzResult } from '../sdk/mrz/index.ts';
import type { ForeignerRecord } from '../sdk/model/index.ts';

/** localStorage key set when the guide is closed or finished. */
export const GUIDE_DONE_KEY = 'timpora-demo-guide-done';

const TEXT = {
  id: {
    title: 'Panduan memulai',
    progress: 'Langkah {n} dari {total}',
    close: 'Tutup panduan',
    prev: 'Kembali',
    next: 'Lanjut',
    finish: 'Selesai',
    s1Title: 'Baca paspor contoh',
    s1Body: 'Ini paspor spesimen ICAO (negara fiktif Utopia), bukan orang sungguhan. Bacalah zona baca mesinnya (dua baris di bagian bawah) dengan salah satu cara berikut.',
    s1Alt: 'Paspor spesimen Utopia atas nama ERIKSSON ANNA MARIA dengan zona baca mesin di bagian bawah',
    useSample: 'Gunakan contoh ini',
    useSampleHint: 'Gambar di atas dibaca oleh pemindai seperti foto yang diunggah.',
    camera: 'Pindai dengan kamera',
    cameraHint: 'Arahkan kamera ke paspor (atau ke gambar ini di layar lain).',
    upload: 'Unggah foto paspor',
    reading: 'Membaca paspor…',
    readOk: 'Terbaca: {name}, paspor {number} ({state}). Formulir sudah terisi.',
    readNone: 'Zona baca mesin tidak terbaca. Coba lagi atau gunakan contoh.',
    s2Title: 'Formulir terisi dari paspor',
    s2Body: 'Formulir orang asing di bawah sudah terisi dari zona baca mesin. Periksa isinya dengan dokumen.',
    s2None: 'Belum ada paspor yang terbaca. Kembali ke langkah 1 untuk membaca paspor contoh.',
    s2Read: 'Terisi dari paspor: {name}; kewarganegaraan {nat}; lahir {birth}; paspor {number}, berlaku sampai {expiry}.',
    toForm: 'Ke formulir',
    s3Title: 'Simpan, juga tanpa jaringan',
    s3Specimen: 'Utopia (UTO) hanya negara spesimen, jadi formulir menolaknya sebagai kewarganegaraan dan negara penerbit. Untuk mencoba menyimpan, pilih negara lain (mis. Swedia) di kedua kolom itu.',
    s3Body: 'Lalu tekan Simpan di formulir. Data tersimpan di peramban ini (IndexedDB) walau jaringan putus.',
    outbox: 'Antrean kirim (outbox): {n} perubahan menunggu dikirim ke server.',
    noServer: 'Demo ini berjalan tanpa server acuan, jadi tidak ada antrean kirim. Jalankan "npm start" agar perubahan masuk antrean kirim dan dibagikan antarinstansi.',
    saved: 'Tersimpan: {name}.',
    s4Title: 'Lihat dari instansi lain',
    s4Body: 'Buka jendela kedua dan masuk sebagai instansi lain. Dengan server acuan, data yang Anda simpan muncul di sana setelah sinkronisasi; status di kepala halaman menunjukkan antrean dan sinkronisasi.',
    s4NoServer: 'Tanpa server acuan, setiap instansi memakai basis data sendiri di peramban ini, jadi data tidak berpindah.',
    openAs: 'Buka sebagai {agency} (jendela baru)',
    opened: 'Panduan dibuka.',
    closed: 'Panduan ditutup. Buka lagi dengan tombol Panduan.',
    stepAnnounce: 'Langkah {n} dari {total}: {title}',
  },
  en: {
    title: 'Getting started',
    progress: 'Step {n} of {total}',
    close: 'Close the guide',
    prev: 'Back',
    next: 'Next',
    finish: 'Finish',
    s1Title: 'Read the sample passport',
    s1Body: 'This is the ICAO specimen passport (the fictional state of Utopia), not a real person. Read its machine readable zone (the two lines at the bottom) one of these ways.',
    s1Alt: 'Utopia specimen passport of ERIKSSON ANNA MARIA with the machine readable zone at the bottom',
    useSample: 'Use this sample',
    useSampleHint: 'The scanner reads the image above as it reads an uploaded photo.',
    camera: 'Scan with the camera',
    cameraHint: 'Point the camera at the passport (or at this image on another screen).',
    upload: 'Upload a passport photo',
    reading: 'Reading the passport…',
    readOk: 'Read: {name}, passport {number} ({state}). The form is filled in.',
    readNone: 'The machine readable zone could not be read. Try again or use the sample.',
    s2Title: 'The form is filled from the passport',
    s2Body: 'The foreigner form below is filled from the machine readable zone. Check it against the document.',
    s2None: 'No passport has been read yet. Go back to step 1 to read the sample passport.',
    s2Read: 'Filled from the passport: {name}; nationality {nat}; born {birth}; passport {number}, valid until {expiry}.',
    toForm: 'Go to the form',
    s3Title: 'Save, even offline',
    s3Specimen: 'Utopia (UTO) is only a specimen state, so the form refuses it as nationality and issuing state. To try saving, choose another country (e.g. Sweden) in both fields.',
    s3Body: 'Then press Save in the form. The record is stored in this browser (IndexedDB) even when the network is down.',
    outbox: 'Outbox: {n} changes waiting to be sent to the server.',
    noServer: 'This demo runs without the reference server, so there is no outbox. Run "npm start" to queue changes in the outbox and share them between agencies.',
    saved: 'Saved: {name}.',
    s4Title: 'See it from another agency',
    s4Body: 'Open a second window and sign in as another agency. With the reference server, what you saved shows up there after sync; the status in the page header shows the queue and syncing.',
    s4NoServer: 'Without the reference server, each agency has its own database in this browser, so records do not travel.',
    openAs: 'Open as {agency} (new window)',
    opened: 'Guide opened.',
    closed: 'Guide closed. Open it again with the Guide button.',
    stepAnnounce: 'Step {n} of {total}: {title}',
  },
} as const;

type Lang = keyof typeof TEXT;
type Key = keyof (typeof TEXT)['id'];

/** What the guide needs from the page. */
export interface GuideOptions {
  /** The page's current language. */
  lang(): Lang;
  /** The portal's client, once created. */
  client(): TimporaClient | undefined;
  /** Whether the demo talks to the reference server (sync and outbox on). */
  online: boolean;
  /** Agency to suggest for the second window: id and display name. */
  otherAgency: { id: string; name: string };
  /** Shows one of the portal's views (`beranda`, `pindai`, `orang-asing`, `kalender`). */
  showView(id: string): void;
}

/** The element the demo's scanner is (only what the guide calls). */
type ScannerElement = HTMLElement & { readImage(image: Blob): Promise<MrzResult | null>; start(): Promise<void> };

const STEPS = 4;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, key?: Key): HTMLElementTagNameMap[K] {
  const node: HTMLElementTagNameMap[K] = Object.assign(document.createElement(tag), props);
  if (key) (node as HTMLElement).dataset['g'] = key;
  return node;
}

function fill(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? ''));
}

/** Wires the guide panel (`#guide`), its header button (`#guide-open`) and the live region (`#guide-live`). */
export function initGuide(options: GuideOptions): { refresh(): void; open(): void } {
  const panel = document.querySelector<HTMLElement>('#guide')!;
  const openButton = document.querySelector<HTMLButtonElement>('#guide-open')!;
  const live = document.querySelector<HTMLElement>('#guide-live')!;
  const title = panel.querySelector<HTMLElement>('#guide-title')!;
  const progress = panel.querySelector<HTMLElement>('#guide-progress')!;
  const stepsBox = panel.querySelector<HTMLElement>('#guide-steps')!;
  const prev = panel.querySelector<HTMLButtonElement>('#guide-prev')!;
  const next = panel.querySelector<HTMLButtonElement>('#guide-next')!;
  const close = panel.querySelector<HTMLButtonElement>('#guide-close')!;
  const scanner = (): ScannerElement | null => document.querySelector<ScannerElement>('#scanner');

  let step = 0;
  let lastRead: MrzResult | null = null;
  let lastSaved: ForeignerRecord | null = null;
  let readState: 'idle' | 'reading' | 'none' = 'idle';
  let outboxCount: number | null = null;

  const t = (key: Key): string => TEXT[options.lang()][key];
  const announce = (text: string): void => {
    // Clear first, so the same sentence twice is still announced.
    live.textContent = '';
    setTimeout(() => (live.textContent = text), 50);
  };

  // ---- step 1: the specimen, and three ways to read it
  const s1Status = el('p', { className: 'guide-status' });
  const sampleButton = el('button', { type: 'button', className: 'guide-primary', id: 'guide-use-sample' }, 'useSample');
  const cameraButton = el('button', { type: 'button', id: 'guide-camera' }, 'camera');
  const uploadInput = el('input', { type: 'file', accept: 'image/*', id: 'guide-upload' });
  const uploadLabel = el('label', { htmlFor: 'guide-upload' }, 'upload');
  const image = el('img', { src: 'sample-passport.jpg', width: 480, height: 340, id: 'guide-sample' });
  const figure = el('figure', { className: 'guide-sample' });
  figure.append(image);
  const sampleHint = el('p', { className: 'guide-hint', id: 'guide-use-sample-hint' }, 'useSampleHint');
  const cameraHint = el('p', { className: 'guide-hint', id: 'guide-camera-hint' }, 'cameraHint');
  sampleButton.setAttribute('aria-describedby', sampleHint.id);
  cameraButton.setAttribute('aria-describedby', cameraHint.id);
  const uploadBox = el('div', { className: 'guide-upload' });
  uploadBox.append(uploadLabel, uploadInput);
  const actions = el('div', { className: 'guide-actions' });
  actions.append(sampleButton, cameraButton, uploadBox);
  const step1 = [el('p', {}, 's1Body'), figure, actions, sampleHint, cameraHint, s1Status];

  // ---- step 2: what the read filled in
  const s2Status = el('p', { className: 'guide-status' });
  const toForm = el('button', { type: 'button', id: 'guide-to-form' }, 'toForm');
  const step2 = [el('p', {}, 's2Body'), s2Status, toForm];

  // ---- step 3: save offline, outbox
  const s3Outbox = el('p', { className: 'guide-status', id: 'guide-outbox' });
  const s3Saved = el('p', { className: 'guide-status' });
  const step3 = [el('p', {}, 's3Specimen'), el('p', {}, 's3Body'), s3Outbox, s3Saved];

  // ---- step 4: a second window as another agency
  const secondWindow = el('a', { target: '_blank', rel: 'noopener', id: 'guide-second-window' });
  const url = new URL(location.href);
  url.searchParams.set('agency', options.otherAgency.id);
  url.hash = '#orang-asing';
  secondWindow.href = url.href;
  const linkLine = el('p', {});
  linkLine.append(secondWindow);
  const step4 = [el('p', {}, 's4Body'), ...(options.online ? [] : [el('p', {}, 's4NoServer')]), linkLine];

  const steps = [step1, step2, step3, step4].map((children, i) => {
    const section = el('section', { className: 'guide-step', id: `guide-step-${i + 1}` });
    const heading = el('h3', { id: `guide-step-${i + 1}-title`, tabIndex: -1 }, (['s1Title', 's2Title', 's3Title', 's4Title'] as const)[i]);
    section.setAttribute('aria-labelledby', heading.id);
    section.append(heading, ...children);
    stepsBox.append(section);
    return { section, heading };
  });

  function renderDynamic(): void {
    const lang = options.lang();
    const read = lastRead;
    image.alt = t('s1Alt');
    s1Status.textContent = readState === 'reading' ? t('reading') : readState === 'none' ? t('readNone') : read ? fill(t('readOk'), summary(read)) : '';
    s2Status.textContent = read ? fill(t('s2Read'), summary(read)) : t('s2None');
    s3Outbox.textContent = options.online ? (outboxCount === null ? '' : fill(t('outbox'), { n: outboxCount })) : t('noServer');
    s3Saved.textContent = lastSaved ? fill(t('saved'), { name: `${lastSaved.identity.surname}, ${lastSaved.identity.givenNames}` }) : '';
    secondWindow.textContent = fill(t('openAs'), { agency: options.otherAgency.name });
    progress.textContent = fill(t('progress'), { n: step + 1, total: STEPS });
    next.textContent = step === STEPS - 1 ? t('finish') : t('next');
    panel.lang = lang;
  }

  function summary(read: MrzResult): Record<string, string> {
    const f = read.fields;
    const date = (d: string | null | undefined): string => {
      if (!d) return '-';
      return new Intl.DateTimeFormat(options.lang() === 'en' ? 'en-GB' : 'id-ID', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${d}T00:00:00Z`));
    };
    return {
      name: [f.surname, f.givenNames].filter(Boolean).join(', '),
      number: f.documentNumber ?? '-',
      state: f.issuingState ?? '-',
      nat: f.nationality ?? '-',
      birth: date(f.birthDate),
      expiry: date(f.expiryDate),
    };
  }

  function refresh(): void {
    const table = TEXT[options.lang()];
    for (const node of document.querySelectorAll<HTMLElement>('[data-g]')) {
      const key = node.dataset.g as Key;
      if (key in table) node.textContent = table[key];
    }
    renderDynamic();
  }

  let watchedSync: EventTarget | undefined;
  async function updateOutbox(): Promise<void> {
    const client = options.client();
    if (!options.online || !client) return;
    if (client.sync && watchedSync !== client.sync) {
      // The count falls as the sync engine sends: follow its status changes.
      watchedSync = client.sync;
      client.sync.addEventListener('statuschange', () => void updateOutbox());
    }
    outboxCount = await client.store.outboxCount();
    renderDynamic();
  }

  function go(index: number, focus = true): void {
    step = Math.max(0, Math.min(STEPS - 1, index));
    steps.forEach((s, i) => (s.section.hidden = i !== step));
    prev.disabled = step === 0;
    // The page follows the walkthrough: steps 2-4 are about the form (step 1 carries its own specimen image and
    // leaves the view the person opened alone).
    if (step > 0) options.showView('orang-asing');
    renderDynamic();
    if (step === 2) void updateOutbox();
    if (focus) steps[step]!.heading.focus();
    announce(fill(t('stepAnnounce'), { n: step + 1, total: STEPS, title: steps[step]!.heading.textContent ?? '' }));
  }

  function open(): void {
    panel.hidden = false;
    openButton.setAttribute('aria-expanded', 'true');
    go(0, false);
    title.focus();
  }

  function dismiss(): void {
    panel.hidden = true;
    openButton.setAttribute('aria-expanded', 'false');
    localStorage.setItem(GUIDE_DONE_KEY, '1');
    openButton.focus();
    announce(t('closed'));
  }

  async function readSample(): Promise<void> {
    const el = scanner();
    if (!el) return;
    readState = 'reading';
    renderDynamic();
    announce(t('reading'));
    try {
      const response = await fetch(image.src);
      const blob = await response.blob();
      // The scanner's own upload path: decode, find the MRZ band, read, check digits, emit `timpora-mrz-read`.
      const result = await el.readImage(blob);
      if (!result) {
        readState = 'none';
        renderDynamic();
        announce(t('readNone'));
      }
    } catch {
      readState = 'none';
      renderDynamic();
      announce(t('readNone'));
    }
  }

  sampleButton.addEventListener('click', () => void readSample());
  cameraButton.addEventListener('click', () => {
    options.showView('pindai');
    void scanner()?.start();
  });
  uploadInput.addEventListener('change', () => {
    const file = uploadInput.files?.[0];
    const el = scanner();
    if (!file || !el) return;
    readState = 'reading';
    renderDynamic();
    announce(t('reading'));
    void el.readImage(file).then((result) => {
      if (!result) {
        readState = 'none';
        renderDynamic();
        announce(t('readNone'));
      }
    });
  });
  toForm.addEventListener('click', () => {
    options.showView('orang-asing');
    document.querySelector<HTMLElement>('#form')?.focus();
  });

  document.addEventListener('timpora-mrz-read', (e) => {
    lastRead = (e as CustomEvent<{ result: MrzResult }>).detail.result;
    if (!lastRead) return;
    readState = 'idle';
    if (!panel.hidden && step === 0) {
      renderDynamic();
      announce(fill(t('readOk'), summary(lastRead)));
      // Let the form fill itself from the same event first, then show step 2.
      setTimeout(() => go(1), 0);
    }
  });
  document.addEventListener('timpora-record-saved', (e) => {
    lastSaved = (e as CustomEvent<{ record: ForeignerRecord }>).detail.record;
    renderDynamic();
    void updateOutbox();
  });

  prev.addEventListener('click', () => go(step - 1));
  next.addEventListener('click', () => (step === STEPS - 1 ? dismiss() : go(step + 1)));
  close.addEventListener('click', dismiss);
  panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      dismiss();
    }
  });
  openButton.addEventListener('click', () => (panel.hidden ? open() : dismiss()));

  refresh();
  if (localStorage.getItem(GUIDE_DONE_KEY)) {
    panel.hidden = true;
    openButton.setAttribute('aria-expanded', 'false');
  } else {
    open();
    announce(t('opened'));
  }
  return { refresh, open };
}
