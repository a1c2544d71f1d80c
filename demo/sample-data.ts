/**
 * Realistic but fictional sample data for the demo: agencies of a Jakarta Utara Timpora team, foreigners of
 * several nationalities, and operations across WIB, WITA and WIT. Dates are relative to today so the
 * calendar and the expiry warnings always have something to show.
 */
import { createAgency, createOperation, createRecord } from '../sdk/model/index.ts';
import type { Agency, AgencyKind, ForeignerRecord, Operation } from '../sdk/model/index.ts';

/** `YYYY-MM-DD` shifted by `days` from `base`. */
function day(base: Date, days: number): string {
  const d = new Date(Date.UTC(base.getFullYear(), base.getMonth(), base.getDate() + days));
  return d.toISOString().slice(0, 10);
}

const AGENCY_LIST: readonly { id: string; name: string; shortName: string; kind: AgencyKind }[] = [
  { id: 'imi-jakut', name: 'Kantor Imigrasi Kelas I Jakarta Utara', shortName: 'Kanim Jakut', kind: 'immigration' },
  { id: 'polres-jakut', name: 'Kepolisian Resor Metro Jakarta Utara', shortName: 'Polres Jakut', kind: 'police' },
  { id: 'kodim-0502', name: 'Komando Distrik Militer 0502/Jakarta Utara', shortName: 'Kodim 0502', kind: 'military' },
  { id: 'binda-dki', name: 'Badan Intelijen Negara Daerah DKI Jakarta', shortName: 'Binda DKI', kind: 'intelligence' },
  { id: 'disnaker-jakut', name: 'Suku Dinas Tenaga Kerja Jakarta Utara', shortName: 'Sudinaker Jakut', kind: 'manpower' },
  { id: 'kesbangpol-dki', name: 'Badan Kesatuan Bangsa dan Politik DKI Jakarta', shortName: 'Kesbangpol DKI', kind: 'kesbangpol' },
  { id: 'bp2mi-jkt', name: 'Balai Pelayanan Pelindungan Pekerja Migran Indonesia Jakarta', shortName: 'BP3MI Jakarta', kind: 'bp2mi' },
  { id: 'pemkot-jakut', name: 'Pemerintah Kota Administrasi Jakarta Utara', shortName: 'Pemkot Jakut', kind: 'local_government' },
  { id: 'imi-denpasar', name: 'Kantor Imigrasi Kelas I TPI Denpasar', shortName: 'Kanim Denpasar', kind: 'immigration' },
  { id: 'imi-jayapura', name: 'Kantor Imigrasi Kelas I TPI Jayapura', shortName: 'Kanim Jayapura', kind: 'immigration' },
];

/** Province of each agency: DKI Jakarta (31) unless the office is in Bali (51) or Papua (94). */
function provinceOf(id: string): string {
  if (id.includes('denpasar')) return '51';
  if (id.includes('jayapura')) return '94';
  return '31';
}

export const AGENCIES: readonly Agency[] = AGENCY_LIST.map((a) => createAgency({ ...a, region: { province: provinceOf(a.id) } }));

interface Person {
  surname: string;
  givenNames: string;
  sex: 'M' | 'F';
  nationality: string;
  birth: string;
  doc: string;
  permit: 'ITK' | 'ITAS' | 'ITAP';
  visaIndex: string;
  employer?: string;
  title?: string;
  /** Days from today until the document expires (negative: already expired). */
  docDays: number;
  /** Days from today until the permit ends. */
  permitDays: number;
}

const PEOPLE: readonly Person[] = [
  { surname: 'WANG', givenNames: 'XIAOMING', sex: 'M', nationality: 'CHN', birth: '1986-04-12', doc: 'EB1234567', permit: 'ITAS', visaIndex: 'E33G', employer: 'PT Sinar Baja Utama', title: 'Teknisi mesin', docDays: 1400, permitDays: 120 },
  { surname: 'KIM', givenNames: 'MIN JUN', sex: 'M', nationality: 'KOR', birth: '1979-11-03', doc: 'M12345678', permit: 'ITAS', visaIndex: 'C312', employer: 'PT Hanjin Garmen Indonesia', title: 'Manajer produksi', docDays: 2100, permitDays: 300 },
  { surname: 'NGUYEN', givenNames: 'THI LAN', sex: 'F', nationality: 'VNM', birth: '1994-02-28', doc: 'C4567890', permit: 'ITK', visaIndex: 'B211A', docDays: 150, permitDays: -5 },
  { surname: 'SMITH', givenNames: 'OLIVIA GRACE', sex: 'F', nationality: 'AUS', birth: '1990-07-19', doc: 'PA9876543', permit: 'ITAP', visaIndex: 'E28A', employer: 'Yayasan Pendidikan Nusantara', title: 'Guru', docDays: 3000, permitDays: 1500 },
  { surname: 'VAN DER BERG', givenNames: 'JOHANNES', sex: 'M', nationality: 'NLD', birth: '1958-09-01', doc: 'NW8R4KL21', permit: 'ITAS', visaIndex: 'E33F', docDays: 900, permitDays: 200 },
  { surname: 'OKAFOR', givenNames: 'CHINEDU EMMANUEL', sex: 'M', nationality: 'NGA', birth: '1988-12-24', doc: 'A05123456', permit: 'ITK', visaIndex: 'B211A', docDays: -30, permitDays: -40 },
  { surname: 'MÜLLER', givenNames: 'JÜRGEN', sex: 'M', nationality: 'D', birth: '1972-05-30', doc: 'C01X00T47', permit: 'ITAS', visaIndex: 'C313', employer: 'PT Bavaria Teknik', title: 'Konsultan', docDays: 2500, permitDays: 90 },
  { surname: 'TANAKA', givenNames: 'YUKI', sex: 'F', nationality: 'JPN', birth: '1996-03-15', doc: 'TR1234567', permit: 'ITAS', visaIndex: 'E33G', employer: 'PT Nippon Elektronik', title: 'Insinyur', docDays: 1800, permitDays: 400 },
  { surname: 'SHARMA', givenNames: 'PRIYA', sex: 'F', nationality: 'IND', birth: '1991-08-08', doc: 'Z1234567', permit: 'ITAS', visaIndex: 'C312', employer: 'PT Bumi Tekstil', title: 'Analis mutu', docDays: 120, permitDays: 60 },
  { surname: 'JOHNSON', givenNames: 'MICHAEL', sex: 'M', nationality: 'USA', birth: '1983-01-22', doc: '567891234', permit: 'ITK', visaIndex: 'B211A', docDays: 2800, permitDays: 20 },
];

/** The sample foreigner records, owned by Kanim Jakarta Utara unless said otherwise. */
export function sampleRecords(today = new Date()): ForeignerRecord[] {
  return PEOPLE.map((p, i) => {
    // Arrived (and permit started) a year before the permit ends, but never later than a month ago.
    const since = day(today, Math.min(-30, p.permitDays - 365));
    return createRecord(
      {
        identity: { surname: p.surname, givenNames: p.givenNames, sex: p.sex, birthDate: p.birth, nationality: p.nationality },
        document: { type: 'passport', issuingState: p.nationality, number: p.doc, issueDate: day(today, p.docDays - 3650), expiryDate: day(today, p.docDays) },
        permit: { type: p.permit, number: `2C${21 + i}AA${String(1000 + i * 37).padStart(4, '0')}`, validFrom: since, validUntil: day(today, p.permitDays), visaIndex: p.visaIndex },
        address: { street: `Jl. Yos Sudarso No. ${10 + i}`, region: { province: '31', regency: '31.72', district: '31.72.01' } },
        arrival: { date: since, checkpoint: i % 3 === 0 ? 'CGK' : i % 3 === 1 ? 'TPK' : 'DPS' },
        ...(p.employer ? { occupation: { employer: p.employer, ...(p.title ? { title: p.title } : {}) } } : {}),
        status: p.permitDays < 0 ? 'under_investigation' : 'active',
      },
      { sourceAgency: i === 5 ? 'polres-jakut' : 'imi-jakut' },
    );
  });
}

/** `YYYY-MM-DDTHH:mm` for `days` from today at `time`. */
function at(today: Date, days: number, time: string): string {
  return `${day(today, days)}T${time}`;
}

/** Joint operations and coordination meetings across WIB, WITA and WIT. */
export function sampleOperations(today = new Date()): Operation[] {
  const ops: Parameters<typeof createOperation>[0][] = [
    {
      kind: 'coordination_meeting', title: 'Rapat koordinasi Timpora Jakarta Utara', leadAgency: 'imi-jakut',
      participatingAgencies: ['polres-jakut', 'kodim-0502', 'binda-dki', 'disnaker-jakut', 'kesbangpol-dki', 'pemkot-jakut'],
      team: [{ id: 'u1', name: 'Rina Kartika', agencyId: 'imi-jakut', role: 'Ketua tim' }, { id: 'u2', name: 'AKP Dedi Santoso', agencyId: 'polres-jakut' }],
      location: { name: 'Aula Kanim Jakarta Utara', region: { province: '31', regency: '31.72' } },
      start: at(today, 1, '09:00'), end: at(today, 1, '11:30'), timeZone: 'Asia/Jakarta', status: 'planned', recordIds: [],
      recurrence: { rrule: 'FREQ=MONTHLY;BYDAY=1TU;COUNT=12' },
    },
    {
      kind: 'joint_operation', title: 'Operasi gabungan kawasan industri Marunda', leadAgency: 'imi-jakut',
      participatingAgencies: ['polres-jakut', 'disnaker-jakut', 'kodim-0502'],
      team: [{ id: 'u1', name: 'Rina Kartika', agencyId: 'imi-jakut' }, { id: 'u3', name: 'Serka Budi Hartono', agencyId: 'kodim-0502' }],
      location: { name: 'Kawasan Industri Marunda', region: { province: '31', regency: '31.72', district: '31.72.03' } },
      start: at(today, 3, '08:00'), end: at(today, 3, '15:00'), timeZone: 'Asia/Jakarta', status: 'planned', recordIds: [],
    },
    {
      kind: 'inspection', title: 'Pemeriksaan penginapan kawasan Kuta', leadAgency: 'imi-denpasar',
      participatingAgencies: ['imi-denpasar'], team: [{ id: 'u7', name: 'I Made Suardana', agencyId: 'imi-denpasar' }],
      location: { name: 'Kuta, Badung', region: { province: '51', regency: '51.03' } },
      start: at(today, 2, '19:00'), end: at(today, 2, '22:00'), timeZone: 'Asia/Makassar', status: 'planned', recordIds: [],
    },
    {
      kind: 'outreach', title: 'Sosialisasi keimigrasian bagi perusahaan penjamin', leadAgency: 'imi-jayapura',
      participatingAgencies: ['imi-jayapura'], team: [{ id: 'u9', name: 'Yohanes Wenda', agencyId: 'imi-jayapura' }],
      location: { name: 'Hotel Horison Jayapura', region: { province: '94', regency: '94.71' } },
      start: at(today, 6, '10:00'), end: at(today, 6, '12:00'), timeZone: 'Asia/Jayapura', status: 'planned', recordIds: [],
    },
    {
      kind: 'joint_operation', title: 'Operasi Wira Waspada: perumahan Pantai Indah Kapuk', leadAgency: 'imi-jakut',
      participatingAgencies: ['polres-jakut', 'binda-dki', 'pemkot-jakut'],
      team: [{ id: 'u2', name: 'AKP Dedi Santoso', agencyId: 'polres-jakut' }, { id: 'u4', name: 'Siti Rahmawati', agencyId: 'imi-jakut' }],
      location: { name: 'Pantai Indah Kapuk', region: { province: '31', regency: '31.72', district: '31.72.06' } },
      start: at(today, -4, '20:00'), end: at(today, -4, '23:59'), timeZone: 'Asia/Jakarta', status: 'done', recordIds: [],
    },
    {
      kind: 'coordination_meeting', title: 'Rakor pengawasan TKA sektor smelter', leadAgency: 'disnaker-jakut',
      participatingAgencies: ['imi-jakut', 'bp2mi-jkt'], team: [{ id: 'u1', name: 'Rina Kartika', agencyId: 'imi-jakut' }],
      location: { name: 'Kantor Walikota Jakarta Utara', region: { province: '31', regency: '31.72' } },
      start: at(today, 3, '13:00'), end: at(today, 3, '14:30'), timeZone: 'Asia/Jakarta', status: 'planned', recordIds: [],
    },
  ];
  return ops.map((o) => createOperation(o));
}
