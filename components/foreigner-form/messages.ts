/**
 * UI text of `<timpora-foreigner-form>` in Bahasa Indonesia (default) and English, plus the wording of every
 * validation code from `sdk/model/validation.ts`. Both dictionaries have exactly the same keys (enforced by
 * the type of `en`). Templates use `{name}` placeholders filled by {@link formatMessage}.
 * @module
 */
import type { ValidationIssue } from '../../sdk/model/validation.ts';
import { defineMessages, type Lang } from '../shared/localize.ts';
import { MRZ_DOUBT_MESSAGES } from '../shared/mrz-doubts.ts';

/** Languages the form speaks (the shared widget languages). */
export type FormLang = Lang;

const id = {
  // Sections
  'section.identity': 'Identitas',
  'section.document': 'Dokumen perjalanan',
  'section.permit': 'Izin tinggal',
  'section.sponsor': 'Penjamin',
  'section.address': 'Alamat di Indonesia',
  'section.occupation': 'Pekerjaan',
  'section.arrival': 'Kedatangan',
  'section.findings': 'Temuan pengawasan dan status',
  'section.photo': 'Foto',
  'section.notes': 'Catatan',
  'section.optionalHint': 'Opsional. Jika salah satu kolom diisi, kolom wajib di bagian ini harus dilengkapi.',
  // Identity
  'identity.surname': 'Nama keluarga (surname)',
  'identity.surname.hint': 'Persis seperti pada dokumen perjalanan.',
  'identity.givenNames': 'Nama depan (given names)',
  'identity.sex': 'Jenis kelamin',
  'identity.birthDate': 'Tanggal lahir',
  'identity.birthPlace': 'Tempat lahir',
  'identity.nationality': 'Kewarganegaraan',
  'sex.M': 'Laki-laki',
  'sex.F': 'Perempuan',
  'sex.X': 'Tidak disebutkan',
  'choose': '— Pilih —',
  // Document
  'document.type': 'Jenis dokumen',
  'document.issuingState': 'Negara penerbit',
  'document.number': 'Nomor dokumen',
  'document.issueDate': 'Tanggal terbit',
  'document.expiryDate': 'Berlaku sampai',
  'doctype.passport': 'Paspor',
  'doctype.id_card': 'Kartu identitas',
  'doctype.visa': 'Visa',
  'doctype.other': 'Lainnya',
  // Permit
  'permit.type': 'Jenis izin tinggal',
  'permit.type.none': 'Tidak ada / belum diketahui',
  'permit.number': 'Nomor izin tinggal',
  'permit.validFrom': 'Berlaku mulai',
  'permit.validUntil': 'Berlaku sampai',
  'permit.visaIndex': 'Indeks visa',
  'permit.visaIndex.hint': 'Contoh: C312, E33G',
  'permit.purpose': 'Tujuan tinggal',
  'permittype.ITK': 'ITK (izin tinggal kunjungan)',
  'permittype.ITAS': 'ITAS (izin tinggal terbatas)',
  'permittype.ITAP': 'ITAP (izin tinggal tetap)',
  // Sponsor
  'sponsor.kind': 'Jenis penjamin',
  'sponsor.kind.person': 'Perorangan',
  'sponsor.kind.company': 'Perusahaan / lembaga',
  'sponsor.name': 'Nama penjamin',
  'sponsor.idNumber': 'NIK / NIB / NPWP',
  'sponsor.phone': 'Telepon',
  'sponsor.email': 'Email',
  'sponsor.address': 'Alamat penjamin',
  // Address
  'address.street': 'Jalan, nomor, gedung',
  'address.rt': 'RT',
  'address.rw': 'RW',
  'address.region.province': 'Provinsi',
  'address.region.regency': 'Kabupaten / kota',
  'address.region.district': 'Kecamatan',
  'address.region.village': 'Kelurahan / desa',
  'address.postalCode': 'Kode pos',
  'region.loading': 'Memuat daftar wilayah…',
  'region.failed': 'Daftar wilayah tidak dapat dimuat. Periksa koneksi lalu pilih lagi.',
  'region.attribution': 'Kode wilayah Kemendagri (data idn-area-data, ODbL).',
  // Occupation
  'occupation.title': 'Pekerjaan / jabatan',
  'occupation.employer': 'Pemberi kerja',
  'occupation.employerAddress': 'Alamat pemberi kerja',
  'occupation.workPermitNumber': 'Nomor izin kerja (RPTKA / notifikasi)',
  // Arrival
  'arrival.date': 'Tanggal kedatangan',
  'arrival.checkpoint': 'Tempat pemeriksaan imigrasi (TPI)',
  'arrival.checkpoint.hint': 'Contoh: CGK (Soekarno-Hatta), DPS (Ngurah Rai)',
  // Findings / status
  'status': 'Status pengawasan',
  'status.draft': 'Draf',
  'status.active': 'Aktif',
  'status.under_investigation': 'Dalam pemeriksaan',
  'status.violation': 'Pelanggaran',
  'status.deportation': 'Deportasi',
  'status.closed': 'Selesai',
  'findings.add': 'Tambah temuan',
  'findings.remove': 'Hapus temuan {n}',
  'findings.item': 'Temuan {n}',
  'findings.none': 'Belum ada temuan.',
  'findings.date': 'Tanggal temuan',
  'findings.category': 'Kategori',
  'findings.description': 'Uraian',
  'findings.agencyId': 'Instansi pencatat',
  'finding.compliant': 'Patuh',
  'finding.permit_misuse': 'Penyalahgunaan izin tinggal',
  'finding.overstay': 'Melebihi izin tinggal (overstay)',
  'finding.illegal_work': 'Bekerja tanpa izin',
  'finding.no_document': 'Tanpa dokumen',
  'finding.address_mismatch': 'Alamat tidak sesuai',
  'finding.other': 'Lainnya',
  // Photo
  'photo.take': 'Ambil foto dengan kamera',
  'photo.capture': 'Potret',
  'photo.cancel': 'Batal',
  'photo.remove': 'Hapus foto',
  'photo.alt': 'Foto orang asing',
  'photo.none': 'Belum ada foto.',
  'photo.denied': 'Kamera tidak dapat dibuka. Izinkan akses kamera di peramban, atau lewati foto.',
  'photo.preview': 'Pratinjau kamera',
  // Notes
  'notes': 'Catatan',
  // MRZ
  'mrz.scan': 'Pindai dokumen',
  'mrz.close': 'Tutup pemindai',
  'mrz.dialog': 'Pindai MRZ dokumen perjalanan',
  'mrz.unavailable': 'Pemindai belum dimuat di halaman ini. Pindai dengan pemindai terpisah; data akan terisi otomatis.',
  'mrz.badge': 'MRZ',
  'mrz.badgeText': 'diisi dari MRZ',
  'mrz.editedText': 'diisi dari MRZ, lalu diubah',
  'mrz.filled': '{n} kolom diisi dari MRZ. Digit pemeriksa menjaga nomor dan tanggal, bukan nama: cocokkan nama dengan dokumen sebelum menyimpan.',
  'mrz.invalid': 'Hasil pindai MRZ tidak lolos pemeriksaan digit. Kolom tetap diisi; periksa dengan teliti.',
  ...MRZ_DOUBT_MESSAGES.id,
  // Country combobox
  'country.noResults': 'Tidak ada negara yang cocok.',
  'country.results': '{n} negara ditemukan. Gunakan panah atas/bawah untuk memilih.',
  'country.selected': 'Terpilih: {name}',
  // Date
  'date.day': 'Tanggal',
  'date.month': 'Bulan',
  'date.year': 'Tahun',
  'date.hint': 'Contoh: 27 3 2007',
  // Duplicates
  'dup.title': 'Kemungkinan data ganda',
  'dup.byDocument': 'Dokumen {doc} sudah tercatat atas nama {name}.',
  'dup.byName': 'Orang dengan nama {name} dan tanggal lahir yang sama sudah tercatat.',
  'dup.open': 'Buka data {name}',
  // Draft / save
  'draft.restored': 'Draf yang belum disimpan telah dipulihkan.',
  'draft.saved': 'Draf tersimpan otomatis.',
  'draft.discard': 'Buang draf',
  'save': 'Simpan data',
  'saving': 'Menyimpan…',
  'saved': 'Data tersimpan.',
  'saveFailed': 'Data belum tersimpan: {reason}. Isian Anda tetap aman sebagai draf di perangkat ini; coba simpan lagi nanti.',
  'saveFailed.offline': 'tidak ada koneksi',
  'saveFailed.unknown': 'terjadi kesalahan',
  'noClient': 'Formulir belum terhubung ke Timpora (penyedia klien tidak ditemukan).',
  'reset': 'Kosongkan formulir',
  // Error summary
  'summary.title': 'Ada masalah',
  'summary.warnings': 'Perhatian',
  'required': '(wajib)',
  'optional': '(opsional)',
  'form.label': 'Data orang asing',
  // Validation
  'v.required': '{field} wajib diisi',
  'v.invalid_type': '{field} tidak valid',
  'v.too_long': '{field} paling banyak {max} karakter',
  'v.too_short': '{field} paling sedikit {min} karakter',
  'v.too_many': '{field}: paling banyak {max} entri',
  'v.invalid_format': '{field} formatnya tidak sesuai',
  'v.invalid_date': '{field} harus berupa tanggal yang ada',
  'v.date_in_future': '{field} tidak boleh setelah hari ini',
  'v.date_order': '{field} harus setelah {after}',
  'v.invalid_country': '{field}: pilih negara dari daftar',
  'v.invalid_enum': '{field}: pilih salah satu pilihan',
  'v.invalid_region': '{field}: pilih wilayah dari daftar',
  'v.invalid_document_number': '{field} tidak sesuai format negara penerbit',
  'v.document_expired': 'Dokumen perjalanan sudah kedaluwarsa',
  'v.document_expiring': 'Dokumen perjalanan berakhir dalam {days} hari',
  'v.permit_expired': 'Izin tinggal sudah berakhir: kemungkinan overstay',
  'v.permit_expiring': 'Izin tinggal berakhir dalam {days} hari',
  'v.permit_not_started': 'Izin tinggal belum mulai berlaku',
  'v.invalid_email': '{field} harus berupa alamat email, misalnya nama@contoh.co.id',
  'v.invalid_phone': '{field} harus berupa nomor telepon, misalnya 0812 3456 7890',
  'v.invalid_postal_code': '{field} harus 5 angka',
  'v.invalid_nik': '{field} tidak valid (NIK 16 angka, NIB 13 angka, NPWP 15/16 angka)',
  'v.invalid_visa_index': '{field} tidak valid, misalnya C312',
  'v.invalid_permit_number': '{field} hanya huruf, angka, titik, garis miring atau tanda hubung',
  'v.invalid_id': '{field} tidak valid',
  'v.invalid_version': '{field} tidak valid',
  'v.duplicate': '{field} ganda',
  'v.unknown_field': '{field} tidak dikenal',
  'v.end_before_start': '{field} harus setelah waktu mulai',
  'v.invalid_time_zone': '{field}: zona waktu tidak dikenal',
  'v.invalid_rrule': '{field}: aturan pengulangan tidak valid',
  'v.field.record': 'Data',
};

/** Keys of the form's dictionaries. */
export type MessageKey = keyof typeof id;

const en: Record<MessageKey, string> = {
  'section.identity': 'Identity',
  'section.document': 'Travel document',
  'section.permit': 'Stay permit',
  'section.sponsor': 'Sponsor',
  'section.address': 'Address in Indonesia',
  'section.occupation': 'Occupation',
  'section.arrival': 'Arrival',
  'section.findings': 'Supervision findings and status',
  'section.photo': 'Photo',
  'section.notes': 'Notes',
  'section.optionalHint': 'Optional. Once any field here is filled in, the required fields of this section must be completed.',
  'identity.surname': 'Surname',
  'identity.surname.hint': 'Exactly as on the travel document.',
  'identity.givenNames': 'Given names',
  'identity.sex': 'Sex',
  'identity.birthDate': 'Date of birth',
  'identity.birthPlace': 'Place of birth',
  'identity.nationality': 'Nationality',
  'sex.M': 'Male',
  'sex.F': 'Female',
  'sex.X': 'Unspecified',
  'choose': '— Choose —',
  'document.type': 'Document type',
  'document.issuingState': 'Issuing state',
  'document.number': 'Document number',
  'document.issueDate': 'Date of issue',
  'document.expiryDate': 'Date of expiry',
  'doctype.passport': 'Passport',
  'doctype.id_card': 'Identity card',
  'doctype.visa': 'Visa',
  'doctype.other': 'Other',
  'permit.type': 'Stay permit type',
  'permit.type.none': 'None / not known yet',
  'permit.number': 'Stay permit number',
  'permit.validFrom': 'Valid from',
  'permit.validUntil': 'Valid until',
  'permit.visaIndex': 'Visa index',
  'permit.visaIndex.hint': 'For example: C312, E33G',
  'permit.purpose': 'Purpose of stay',
  'permittype.ITK': 'ITK (visit stay permit)',
  'permittype.ITAS': 'ITAS (limited stay permit)',
  'permittype.ITAP': 'ITAP (permanent stay permit)',
  'sponsor.kind': 'Sponsor type',
  'sponsor.kind.person': 'Person',
  'sponsor.kind.company': 'Company / institution',
  'sponsor.name': 'Sponsor name',
  'sponsor.idNumber': 'NIK / NIB / NPWP',
  'sponsor.phone': 'Phone',
  'sponsor.email': 'Email',
  'sponsor.address': 'Sponsor address',
  'address.street': 'Street, number, building',
  'address.rt': 'RT (neighbourhood unit)',
  'address.rw': 'RW (community unit)',
  'address.region.province': 'Province',
  'address.region.regency': 'Regency / city',
  'address.region.district': 'District (kecamatan)',
  'address.region.village': 'Village (kelurahan / desa)',
  'address.postalCode': 'Postal code',
  'region.loading': 'Loading regions…',
  'region.failed': 'The region list could not be loaded. Check the connection and choose again.',
  'region.attribution': 'Kemendagri region codes (idn-area-data, ODbL).',
  'occupation.title': 'Occupation / position',
  'occupation.employer': 'Employer',
  'occupation.employerAddress': 'Employer address',
  'occupation.workPermitNumber': 'Work permit number (RPTKA / notification)',
  'arrival.date': 'Date of arrival',
  'arrival.checkpoint': 'Entry checkpoint (TPI)',
  'arrival.checkpoint.hint': 'For example: CGK (Soekarno-Hatta), DPS (Ngurah Rai)',
  'status': 'Supervision status',
  'status.draft': 'Draft',
  'status.active': 'Active',
  'status.under_investigation': 'Under investigation',
  'status.violation': 'Violation',
  'status.deportation': 'Deportation',
  'status.closed': 'Closed',
  'findings.add': 'Add finding',
  'findings.remove': 'Remove finding {n}',
  'findings.item': 'Finding {n}',
  'findings.none': 'No findings yet.',
  'findings.date': 'Date of finding',
  'findings.category': 'Category',
  'findings.description': 'Description',
  'findings.agencyId': 'Recording agency',
  'finding.compliant': 'Compliant',
  'finding.permit_misuse': 'Stay permit misuse',
  'finding.overstay': 'Overstay',
  'finding.illegal_work': 'Working without a permit',
  'finding.no_document': 'No document',
  'finding.address_mismatch': 'Address mismatch',
  'finding.other': 'Other',
  'photo.take': 'Take a photo with the camera',
  'photo.capture': 'Capture',
  'photo.cancel': 'Cancel',
  'photo.remove': 'Remove photo',
  'photo.alt': 'Photo of the foreigner',
  'photo.none': 'No photo yet.',
  'photo.denied': 'The camera could not be opened. Allow camera access in the browser, or skip the photo.',
  'photo.preview': 'Camera preview',
  'notes': 'Notes',
  'mrz.scan': 'Scan document',
  'mrz.close': 'Close scanner',
  'mrz.dialog': 'Scan the travel document MRZ',
  'mrz.unavailable': 'The scanner is not loaded on this page. Scan with a separate scanner; the fields fill in automatically.',
  'mrz.badge': 'MRZ',
  'mrz.badgeText': 'filled from the MRZ',
  'mrz.editedText': 'filled from the MRZ, then changed',
  'mrz.filled': '{n} fields filled from the MRZ. Check digits protect the numbers and dates, not the names: compare the names with the document before saving.',
  'mrz.invalid': 'The MRZ read did not pass its check digits. Fields were filled anyway; check them carefully.',
  ...MRZ_DOUBT_MESSAGES.en,
  'country.noResults': 'No matching country.',
  'country.results': '{n} countries found. Use the up and down arrows to choose.',
  'country.selected': 'Selected: {name}',
  'date.day': 'Day',
  'date.month': 'Month',
  'date.year': 'Year',
  'date.hint': 'For example: 27 3 2007',
  'dup.title': 'Possible duplicate',
  'dup.byDocument': 'Document {doc} is already recorded for {name}.',
  'dup.byName': 'A person named {name} with the same date of birth is already recorded.',
  'dup.open': 'Open the record of {name}',
  'draft.restored': 'An unsaved draft was restored.',
  'draft.saved': 'Draft saved automatically.',
  'draft.discard': 'Discard draft',
  'save': 'Save record',
  'saving': 'Saving…',
  'saved': 'Record saved.',
  'saveFailed': 'The record was not saved: {reason}. What you typed is kept as a draft on this device; try saving again later.',
  'saveFailed.offline': 'no connection',
  'saveFailed.unknown': 'something went wrong',
  'noClient': 'The form is not connected to Timpora (no client provider found).',
  'reset': 'Clear the form',
  'summary.title': 'There is a problem',
  'summary.warnings': 'Please check',
  'required': '(required)',
  'optional': '(optional)',
  'form.label': 'Foreigner record',
  'v.required': 'Enter {field}',
  'v.invalid_type': '{field} is not valid',
  'v.too_long': '{field} must be {max} characters or fewer',
  'v.too_short': '{field} must be at least {min} characters',
  'v.too_many': '{field}: at most {max} entries',
  'v.invalid_format': '{field} is not in the expected format',
  'v.invalid_date': '{field} must be a real date',
  'v.date_in_future': '{field} must be today or in the past',
  'v.date_order': '{field} must be after {after}',
  'v.invalid_country': '{field}: choose a country from the list',
  'v.invalid_enum': '{field}: choose one of the options',
  'v.invalid_region': '{field}: choose a region from the list',
  'v.invalid_document_number': '{field} does not match the issuing state’s format',
  'v.document_expired': 'The travel document has expired',
  'v.document_expiring': 'The travel document expires in {days} days',
  'v.permit_expired': 'The stay permit has ended: possible overstay',
  'v.permit_expiring': 'The stay permit ends in {days} days',
  'v.permit_not_started': 'The stay permit is not valid yet',
  'v.invalid_email': '{field} must be an email address, like name@example.com',
  'v.invalid_phone': '{field} must be a phone number, like 0812 3456 7890',
  'v.invalid_postal_code': '{field} must be 5 digits',
  'v.invalid_nik': '{field} is not valid (NIK 16 digits, NIB 13 digits, NPWP 15/16 digits)',
  'v.invalid_visa_index': '{field} is not valid, for example C312',
  'v.invalid_permit_number': '{field} may only contain letters, digits, dots, slashes or hyphens',
  'v.invalid_id': '{field} is not valid',
  'v.invalid_version': '{field} is not valid',
  'v.duplicate': '{field} is duplicated',
  'v.unknown_field': '{field} is not known',
  'v.end_before_start': '{field} must be after the start',
  'v.invalid_time_zone': '{field}: unknown time zone',
  'v.invalid_rrule': '{field}: invalid recurrence rule',
  'v.field.record': 'Record',
};

/**
 * Both dictionaries, declared through the shared `defineMessages` (usable with `LocalizeController.t`).
 * `en` is typed against `id`'s keys, so a missing or extra key fails the typecheck.
 */
export const messages = defineMessages<MessageKey>(id, en);
const dict: Readonly<Record<FormLang, Readonly<Record<MessageKey, string>>>> = { id, en };

/** Fills `{name}` placeholders; unknown placeholders are left as they are. */
export function formatMessage(template: string, params: Readonly<Record<string, string | number>> = {}): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));
}

/** Looks a key up in `lang` and formats it. */
export function msg(lang: FormLang, key: MessageKey, params?: Readonly<Record<string, string | number>>): string {
  return formatMessage(dict[lang][key], params);
}

/** True when `key` is one of the dictionary keys. */
export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(id, key);
}

/**
 * Label of the field at a validation path: `identity.surname` -> "Nama keluarga (surname)";
 * `findings.2.date` -> "Temuan 3: Tanggal temuan"; unknown paths fall back to the nearest known parent.
 */
export function fieldLabel(lang: FormLang, path: string): string {
  const finding = /^findings\.(\d+)(?:\.(\w+))?/.exec(path);
  if (finding) {
    const item = msg(lang, 'findings.item', { n: Number(finding[1]) + 1 });
    const sub = finding[2] ? `findings.${finding[2]}` : '';
    return sub && isMessageKey(sub) ? `${item}: ${msg(lang, sub)}` : item;
  }
  // A missing region is a missing province (the first level to choose).
  let p = path === 'address.region' ? 'address.region.province' : path;
  while (p) {
    if (isMessageKey(p)) return msg(lang, p);
    if (isMessageKey(`section.${p}`)) return msg(lang, `section.${p}` as MessageKey);
    const at = p.lastIndexOf('.');
    p = at < 0 ? '' : p.slice(0, at);
  }
  return msg(lang, 'v.field.record');
}

/** The sentence shown for a validation issue, in the summary and inline (same words in both places). */
export function validationMessage(lang: FormLang, issue: ValidationIssue): string {
  const key = `v.${issue.code}`;
  const params: Record<string, string | number> = { ...(issue.params ?? {}), field: fieldLabel(lang, issue.path) };
  if (typeof issue.params?.['after'] === 'string') params['after'] = fieldLabel(lang, issue.params['after']);
  if (typeof params['days'] === 'number') params['days'] = Math.max(0, params['days']);
  return isMessageKey(key) ? msg(lang, key, params) : `${params['field']}: ${issue.code}`;
}
