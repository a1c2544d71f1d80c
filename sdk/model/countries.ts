/**
 * Country and state codes as used on travel documents: every ISO 3166-1 alpha-3 code plus the
 * ICAO 9303 (Part 3, section 5) codes that are not ISO (organisations, stateless persons, refugees,
 * British nationality categories, Germany's single-letter `D`), a few legacy codes seen on documents
 * still in circulation, and the ICAO specimen state `UTO`.
 *
 * Source: ISO 3166-1 (English short names, lightly shortened for display) and ICAO Doc 9303 Part 3;
 * Indonesian names follow the usage of Kementerian Luar Negeri / KBBI. Written by hand for this
 * project (facts, no third-party dataset copied), MIT like the rest of the package.
 * @module
 */

/** What kind of code an entry is. */
export type CountryKind =
  /** ISO 3166-1 alpha-3 country. */
  | 'iso'
  /** ICAO-only code (organisation, nationality category, Germany `D`, Kosovo `RKS`...). */
  | 'icao'
  /** Non-standard code printed on real documents still in use (e.g. issuer `BDR`, Slovenian `SI`). */
  | 'legacy'
  /** Specimen state (`UTO`, Utopia) used on ICAO and vendor sample documents. */
  | 'specimen';

/** One country / state / organisation code. */
export interface Country {
  /** Code as printed in the MRZ without fillers: `IDN`, `D`, `UNO`. */
  readonly code: string;
  /** ISO 3166-1 alpha-2 code for ISO entries (flags, locale data), otherwise null. */
  readonly alpha2: string | null;
  /** English name. */
  readonly nameEn: string;
  /** Indonesian (Bahasa Indonesia) name. */
  readonly nameId: string;
  /** ISO country, ICAO-only code, legacy code still printed on documents, or specimen state (see {@link CountryKind}). */
  readonly kind: CountryKind;
  /** For aliases (`D`, `BDR`, `SI`): the ISO alpha-3 code of the same country. */
  readonly sameAs?: string;
}

/** Languages with country names. */
export type CountryLang = 'id' | 'en';

// code|alpha2|English|Indonesian
const ISO = `AFG|AF|Afghanistan|Afganistan
ALA|AX|Åland Islands|Kepulauan Åland
ALB|AL|Albania|Albania
DZA|DZ|Algeria|Aljazair
ASM|AS|American Samoa|Samoa Amerika
AND|AD|Andorra|Andorra
AGO|AO|Angola|Angola
AIA|AI|Anguilla|Anguilla
ATA|AQ|Antarctica|Antarktika
ATG|AG|Antigua and Barbuda|Antigua dan Barbuda
ARG|AR|Argentina|Argentina
ARM|AM|Armenia|Armenia
ABW|AW|Aruba|Aruba
AUS|AU|Australia|Australia
AUT|AT|Austria|Austria
AZE|AZ|Azerbaijan|Azerbaijan
BHS|BS|Bahamas|Bahama
BHR|BH|Bahrain|Bahrain
BGD|BD|Bangladesh|Bangladesh
BRB|BB|Barbados|Barbados
BLR|BY|Belarus|Belarus
BEL|BE|Belgium|Belgia
BLZ|BZ|Belize|Belize
BEN|BJ|Benin|Benin
BMU|BM|Bermuda|Bermuda
BTN|BT|Bhutan|Bhutan
BOL|BO|Bolivia|Bolivia
BES|BQ|Bonaire, Sint Eustatius and Saba|Bonaire, Sint Eustatius, dan Saba
BIH|BA|Bosnia and Herzegovina|Bosnia dan Herzegovina
BWA|BW|Botswana|Botswana
BVT|BV|Bouvet Island|Pulau Bouvet
BRA|BR|Brazil|Brasil
IOT|IO|British Indian Ocean Territory|Wilayah Samudra Hindia Britania
BRN|BN|Brunei Darussalam|Brunei Darussalam
BGR|BG|Bulgaria|Bulgaria
BFA|BF|Burkina Faso|Burkina Faso
BDI|BI|Burundi|Burundi
CPV|CV|Cabo Verde|Tanjung Verde
KHM|KH|Cambodia|Kamboja
CMR|CM|Cameroon|Kamerun
CAN|CA|Canada|Kanada
CYM|KY|Cayman Islands|Kepulauan Cayman
CAF|CF|Central African Republic|Republik Afrika Tengah
TCD|TD|Chad|Chad
CHL|CL|Chile|Chili
CHN|CN|China|Tiongkok
CXR|CX|Christmas Island|Pulau Natal
CCK|CC|Cocos (Keeling) Islands|Kepulauan Cocos (Keeling)
COL|CO|Colombia|Kolombia
COM|KM|Comoros|Komoro
COG|CG|Congo|Kongo
COD|CD|Congo, Democratic Republic of the|Republik Demokratik Kongo
COK|CK|Cook Islands|Kepulauan Cook
CRI|CR|Costa Rica|Kosta Rika
CIV|CI|Côte d'Ivoire|Pantai Gading
HRV|HR|Croatia|Kroasia
CUB|CU|Cuba|Kuba
CUW|CW|Curaçao|Curaçao
CYP|CY|Cyprus|Siprus
CZE|CZ|Czechia|Ceko
DNK|DK|Denmark|Denmark
DJI|DJ|Djibouti|Jibuti
DMA|DM|Dominica|Dominika
DOM|DO|Dominican Republic|Republik Dominika
ECU|EC|Ecuador|Ekuador
EGY|EG|Egypt|Mesir
SLV|SV|El Salvador|El Salvador
GNQ|GQ|Equatorial Guinea|Guinea Khatulistiwa
ERI|ER|Eritrea|Eritrea
EST|EE|Estonia|Estonia
SWZ|SZ|Eswatini|Eswatini
ETH|ET|Ethiopia|Etiopia
FLK|FK|Falkland Islands (Malvinas)|Kepulauan Falkland (Malvinas)
FRO|FO|Faroe Islands|Kepulauan Faroe
FJI|FJ|Fiji|Fiji
FIN|FI|Finland|Finlandia
FRA|FR|France|Prancis
GUF|GF|French Guiana|Guyana Prancis
PYF|PF|French Polynesia|Polinesia Prancis
ATF|TF|French Southern Territories|Wilayah Selatan Prancis
GAB|GA|Gabon|Gabon
GMB|GM|Gambia|Gambia
GEO|GE|Georgia|Georgia
DEU|DE|Germany|Jerman
GHA|GH|Ghana|Ghana
GIB|GI|Gibraltar|Gibraltar
GRC|GR|Greece|Yunani
GRL|GL|Greenland|Greenland
GRD|GD|Grenada|Grenada
GLP|GP|Guadeloupe|Guadeloupe
GUM|GU|Guam|Guam
GTM|GT|Guatemala|Guatemala
GGY|GG|Guernsey|Guernsey
GIN|GN|Guinea|Guinea
GNB|GW|Guinea-Bissau|Guinea-Bissau
GUY|GY|Guyana|Guyana
HTI|HT|Haiti|Haiti
HMD|HM|Heard Island and McDonald Islands|Pulau Heard dan Kepulauan McDonald
VAT|VA|Holy See (Vatican)|Takhta Suci (Vatikan)
HND|HN|Honduras|Honduras
HKG|HK|Hong Kong|Hong Kong
HUN|HU|Hungary|Hungaria
ISL|IS|Iceland|Islandia
IND|IN|India|India
IDN|ID|Indonesia|Indonesia
IRN|IR|Iran|Iran
IRQ|IQ|Iraq|Irak
IRL|IE|Ireland|Irlandia
IMN|IM|Isle of Man|Pulau Man
ISR|IL|Israel|Israel
ITA|IT|Italy|Italia
JAM|JM|Jamaica|Jamaika
JPN|JP|Japan|Jepang
JEY|JE|Jersey|Jersey
JOR|JO|Jordan|Yordania
KAZ|KZ|Kazakhstan|Kazakhstan
KEN|KE|Kenya|Kenya
KIR|KI|Kiribati|Kiribati
PRK|KP|North Korea|Korea Utara
KOR|KR|South Korea|Korea Selatan
KWT|KW|Kuwait|Kuwait
KGZ|KG|Kyrgyzstan|Kirgizstan
LAO|LA|Laos|Laos
LVA|LV|Latvia|Latvia
LBN|LB|Lebanon|Lebanon
LSO|LS|Lesotho|Lesotho
LBR|LR|Liberia|Liberia
LBY|LY|Libya|Libya
LIE|LI|Liechtenstein|Liechtenstein
LTU|LT|Lithuania|Lituania
LUX|LU|Luxembourg|Luksemburg
MAC|MO|Macao|Makau
MDG|MG|Madagascar|Madagaskar
MWI|MW|Malawi|Malawi
MYS|MY|Malaysia|Malaysia
MDV|MV|Maldives|Maladewa
MLI|ML|Mali|Mali
MLT|MT|Malta|Malta
MHL|MH|Marshall Islands|Kepulauan Marshall
MTQ|MQ|Martinique|Martinik
MRT|MR|Mauritania|Mauritania
MUS|MU|Mauritius|Mauritius
MYT|YT|Mayotte|Mayotte
MEX|MX|Mexico|Meksiko
FSM|FM|Micronesia|Mikronesia
MDA|MD|Moldova|Moldova
MCO|MC|Monaco|Monako
MNG|MN|Mongolia|Mongolia
MNE|ME|Montenegro|Montenegro
MSR|MS|Montserrat|Montserrat
MAR|MA|Morocco|Maroko
MOZ|MZ|Mozambique|Mozambik
MMR|MM|Myanmar|Myanmar
NAM|NA|Namibia|Namibia
NRU|NR|Nauru|Nauru
NPL|NP|Nepal|Nepal
NLD|NL|Netherlands|Belanda
NCL|NC|New Caledonia|Kaledonia Baru
NZL|NZ|New Zealand|Selandia Baru
NIC|NI|Nicaragua|Nikaragua
NER|NE|Niger|Niger
NGA|NG|Nigeria|Nigeria
NIU|NU|Niue|Niue
NFK|NF|Norfolk Island|Pulau Norfolk
MKD|MK|North Macedonia|Makedonia Utara
MNP|MP|Northern Mariana Islands|Kepulauan Mariana Utara
NOR|NO|Norway|Norwegia
OMN|OM|Oman|Oman
PAK|PK|Pakistan|Pakistan
PLW|PW|Palau|Palau
PSE|PS|Palestine|Palestina
PAN|PA|Panama|Panama
PNG|PG|Papua New Guinea|Papua Nugini
PRY|PY|Paraguay|Paraguay
PER|PE|Peru|Peru
PHL|PH|Philippines|Filipina
PCN|PN|Pitcairn|Pitcairn
POL|PL|Poland|Polandia
PRT|PT|Portugal|Portugal
PRI|PR|Puerto Rico|Puerto Riko
QAT|QA|Qatar|Qatar
REU|RE|Réunion|Réunion
ROU|RO|Romania|Rumania
RUS|RU|Russia|Rusia
RWA|RW|Rwanda|Rwanda
BLM|BL|Saint Barthélemy|Saint Barthélemy
SHN|SH|Saint Helena, Ascension and Tristan da Cunha|Saint Helena, Ascension, dan Tristan da Cunha
KNA|KN|Saint Kitts and Nevis|Saint Kitts dan Nevis
LCA|LC|Saint Lucia|Saint Lucia
MAF|MF|Saint Martin (French part)|Saint Martin (bagian Prancis)
SPM|PM|Saint Pierre and Miquelon|Saint Pierre dan Miquelon
VCT|VC|Saint Vincent and the Grenadines|Saint Vincent dan Grenadine
WSM|WS|Samoa|Samoa
SMR|SM|San Marino|San Marino
STP|ST|Sao Tome and Principe|Sao Tome dan Principe
SAU|SA|Saudi Arabia|Arab Saudi
SEN|SN|Senegal|Senegal
SRB|RS|Serbia|Serbia
SYC|SC|Seychelles|Seychelles
SLE|SL|Sierra Leone|Sierra Leone
SGP|SG|Singapore|Singapura
SXM|SX|Sint Maarten (Dutch part)|Sint Maarten (bagian Belanda)
SVK|SK|Slovakia|Slowakia
SVN|SI|Slovenia|Slovenia
SLB|SB|Solomon Islands|Kepulauan Solomon
SOM|SO|Somalia|Somalia
ZAF|ZA|South Africa|Afrika Selatan
SGS|GS|South Georgia and the South Sandwich Islands|Georgia Selatan dan Kepulauan Sandwich Selatan
SSD|SS|South Sudan|Sudan Selatan
ESP|ES|Spain|Spanyol
LKA|LK|Sri Lanka|Sri Lanka
SDN|SD|Sudan|Sudan
SUR|SR|Suriname|Suriname
SJM|SJ|Svalbard and Jan Mayen|Svalbard dan Jan Mayen
SWE|SE|Sweden|Swedia
CHE|CH|Switzerland|Swiss
SYR|SY|Syria|Suriah
TWN|TW|Taiwan|Taiwan
TJK|TJ|Tajikistan|Tajikistan
TZA|TZ|Tanzania|Tanzania
THA|TH|Thailand|Thailand
TLS|TL|Timor-Leste|Timor Leste
TGO|TG|Togo|Togo
TKL|TK|Tokelau|Tokelau
TON|TO|Tonga|Tonga
TTO|TT|Trinidad and Tobago|Trinidad dan Tobago
TUN|TN|Tunisia|Tunisia
TUR|TR|Türkiye|Turki
TKM|TM|Turkmenistan|Turkmenistan
TCA|TC|Turks and Caicos Islands|Kepulauan Turks dan Caicos
TUV|TV|Tuvalu|Tuvalu
UGA|UG|Uganda|Uganda
UKR|UA|Ukraine|Ukraina
ARE|AE|United Arab Emirates|Uni Emirat Arab
GBR|GB|United Kingdom|Britania Raya (Inggris)
USA|US|United States of America|Amerika Serikat
UMI|UM|United States Minor Outlying Islands|Kepulauan Terluar Kecil Amerika Serikat
URY|UY|Uruguay|Uruguay
UZB|UZ|Uzbekistan|Uzbekistan
VUT|VU|Vanuatu|Vanuatu
VEN|VE|Venezuela|Venezuela
VNM|VN|Viet Nam|Vietnam
VGB|VG|British Virgin Islands|Kepulauan Virgin Britania Raya
VIR|VI|United States Virgin Islands|Kepulauan Virgin Amerika Serikat
WLF|WF|Wallis and Futuna|Wallis dan Futuna
ESH|EH|Western Sahara|Sahara Barat
YEM|YE|Yemen|Yaman
ZMB|ZM|Zambia|Zambia
ZWE|ZW|Zimbabwe|Zimbabwe`;

// code|kind|sameAs|English|Indonesian
const NON_ISO = `D|icao|DEU|Germany|Jerman
EUE|icao||European Union|Uni Eropa
UNO|icao||United Nations Organization|Perserikatan Bangsa-Bangsa (PBB)
UNA|icao||United Nations specialized agency|Badan khusus PBB
UNK|icao||Kosovo resident (UNMIK)|Penduduk Kosovo (UNMIK)
RKS|icao||Kosovo|Kosovo
XXA|icao||Stateless person|Orang tanpa kewarganegaraan
XXB|icao||Refugee (1951 Convention)|Pengungsi (Konvensi 1951)
XXC|icao||Refugee (other)|Pengungsi (lainnya)
XXX|icao||Unspecified nationality|Kewarganegaraan tidak ditentukan
GBD|icao||British Overseas Territories Citizen|Warga Wilayah Seberang Laut Britania
GBN|icao||British National (Overseas)|Warga Negara Britania (Seberang Laut)
GBO|icao||British Overseas Citizen|Warga Seberang Laut Britania
GBP|icao||British Protected Person|Orang yang Dilindungi Britania
GBS|icao||British Subject|Subjek Britania
XBA|icao||African Development Bank|Bank Pembangunan Afrika
XIM|icao||African Export-Import Bank|Bank Ekspor-Impor Afrika
XCC|icao||Caribbean Community (CARICOM)|Komunitas Karibia (CARICOM)
XCE|icao||Council of Europe|Dewan Eropa
XCO|icao||Common Market for Eastern and Southern Africa (COMESA)|Pasar Bersama Afrika Timur dan Selatan (COMESA)
XEC|icao||Economic Community of West African States (ECOWAS)|Masyarakat Ekonomi Negara-Negara Afrika Barat (ECOWAS)
XES|icao||Organisation of Eastern Caribbean States|Organisasi Negara-Negara Karibia Timur
XMP|icao||Parliamentary Assembly of the Mediterranean|Majelis Parlemen Mediterania
XOM|icao||Sovereign Military Order of Malta|Ordo Militer Berdaulat Malta
XDC|icao||Southern African Development Community (SADC)|Komunitas Pembangunan Afrika Bagian Selatan (SADC)
XPO|icao||INTERPOL|INTERPOL
BDR|legacy|DEU|Germany (former issuer code)|Jerman (kode penerbit lama)
ANT|legacy||Netherlands Antilles (dissolved 2010)|Antillen Belanda (bubar 2010)
NTZ|legacy||Neutral Zone|Zona Netral
XXK|legacy||Kosovo (alternative code)|Kosovo (kode alternatif)
SI|legacy|SVN|Slovenia (two-letter code on older identity cards)|Slovenia (kode dua huruf pada kartu identitas lama)
UTO|specimen||Utopia (specimen)|Utopia (spesimen)`;

function build(): Country[] {
  const list: Country[] = [];
  for (const row of ISO.split('\n')) {
    const [code, alpha2, nameEn, nameId] = row.split('|') as [string, string, string, string];
    list.push({ code, alpha2, nameEn, nameId, kind: 'iso' });
  }
  for (const row of NON_ISO.split('\n')) {
    const [code, kind, sameAs, nameEn, nameId] = row.split('|') as [string, CountryKind, string, string, string];
    list.push(sameAs ? { code, alpha2: null, nameEn, nameId, kind, sameAs } : { code, alpha2: null, nameEn, nameId, kind });
  }
  return list;
}

/** All entries: ISO countries first (alphabetical by English name), then ICAO, legacy and specimen codes. */
export const COUNTRIES: readonly Country[] = Object.freeze(build());

const BY_CODE = new Map(COUNTRIES.map((c) => [c.code, c]));

/** Normalises an MRZ state field: upper case, trailing fillers and spaces removed (`D<<` -> `D`). */
export function normalizeStateCode(code: string): string {
  return code.trim().toUpperCase().replace(/<+$/, '');
}

/**
 * The entry for an MRZ state code (`IDN`, `D<<`, `D`, `UNO`...), or undefined. Matching ignores case
 * and trailing fillers.
 */
export function findCountry(code: string): Country | undefined {
  return BY_CODE.get(normalizeStateCode(code));
}

/**
 * Whether `code` is a state/organisation code accepted on travel documents: ISO alpha-3, ICAO-only
 * codes (including Germany's `D`/`D<<`) and the legacy codes listed in {@link COUNTRIES}. The
 * specimen state `UTO` counts only with `allowSpecimen`.
 */
export function isKnownStateCode(code: string, options: { allowSpecimen?: boolean } = {}): boolean {
  const c = findCountry(code);
  if (!c) return false;
  return c.kind !== 'specimen' || options.allowSpecimen === true;
}

/** The display name of a code in `lang`, or the code itself when unknown. */
export function countryName(code: string, lang: CountryLang = 'id'): string {
  const c = findCountry(code);
  if (!c) return normalizeStateCode(code);
  return lang === 'en' ? c.nameEn : c.nameId;
}

/** Lower case, accents removed, punctuation to spaces. */
function fold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

const FOLDED = COUNTRIES.map((c) => ({
  c,
  id: fold(c.nameId),
  en: fold(c.nameEn),
  idWords: fold(c.nameId).split(' '),
  enWords: fold(c.nameEn).split(' '),
}));

/** Options of {@link searchCountries}. */
export interface CountrySearchOptions {
  /** Maximum number of results (default 20). */
  limit?: number;
  /** Include the specimen state `UTO` (default false). */
  includeSpecimen?: boolean;
  /** Include legacy codes and aliases such as `D`, `BDR`, `SI` (default false: pickers offer the ISO code). */
  includeLegacy?: boolean;
}

/**
 * Searches countries by code or name, case- and accent-insensitive (`cote` finds Côte d'Ivoire,
 * `kor` finds both Koreas, `selatan` finds every "... Selatan"). Ranking: exact code, name prefix in
 * `lang`, word prefix in `lang`, then the same in the other language; ties keep list order. An empty
 * query returns nothing.
 */
export function searchCountries(query: string, lang: CountryLang = 'id', options: CountrySearchOptions = {}): Country[] {
  const q = fold(query);
  if (!q) return [];
  const limit = options.limit ?? 20;
  const qCode = normalizeStateCode(query);
  const scored: { c: Country; score: number; i: number }[] = [];
  FOLDED.forEach((f, i) => {
    if (f.c.kind === 'specimen' && !options.includeSpecimen) return;
    if ((f.c.kind === 'legacy' || f.c.sameAs) && !options.includeLegacy) return;
    const primary = lang === 'en' ? f.en : f.id;
    const secondary = lang === 'en' ? f.id : f.en;
    const pWords = lang === 'en' ? f.enWords : f.idWords;
    const sWords = lang === 'en' ? f.idWords : f.enWords;
    const qWords = q.split(' ');
    const wordsMatch = (words: string[]): boolean => qWords.every((w) => words.some((x) => x.startsWith(w)));
    let score = 0;
    if (f.c.code === qCode || f.c.alpha2 === qCode) score = 100;
    else if (primary.startsWith(q)) score = 80;
    else if (wordsMatch(pWords)) score = 60;
    else if (f.c.code.toLowerCase().startsWith(q)) score = 50;
    else if (secondary.startsWith(q)) score = 40;
    else if (wordsMatch(sWords)) score = 30;
    if (score > 0) scored.push({ c: f.c, score, i });
  });
  scored.sort((a, b) => b.score - a.score || a.i - b.i);
  return scored.slice(0, limit).map((s) => s.c);
}
