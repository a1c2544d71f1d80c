/**
 * The Timpora domain model: foreigner records, operations (joint operations and meetings) and agencies.
 * Plain JSON-compatible data so the same shapes travel through IndexedDB, the HTTP contract and the server.
 * @module
 */

/** Calendar date `YYYY-MM-DD`. */
export type IsoDate = string;
/** Instant `YYYY-MM-DDTHH:mm:ss.sssZ` (UTC). */
export type IsoDateTime = string;
/** Wall-clock date and time without zone `YYYY-MM-DDTHH:mm`, read in the accompanying IANA zone. */
export type LocalDateTime = string;

/** Identifier of an agency taking part in Timpora (e.g. `imi-jakut`, `polda-bali`). */
export type AgencyId = string;

/** Kinds of agency in a Timpora team. */
export type AgencyKind =
  | 'immigration'
  | 'police'
  | 'military'
  | 'intelligence'
  | 'manpower'
  | 'kesbangpol'
  | 'bp2mi'
  | 'local_government'
  | 'other';

/** Indonesian stay permits: visit (ITK), limited stay (ITAS), permanent stay (ITAP). */
export type PermitType = 'ITK' | 'ITAS' | 'ITAP';

/** Travel document kinds, after the MRZ document code: passport, identity card, visa, other. */
export type DocumentType = 'passport' | 'id_card' | 'visa' | 'other';

/** Sex as printed on travel documents (`X` = unspecified). */
export type Sex = 'M' | 'F' | 'X';

/** Where a record stands in supervision. */
export type RecordStatus =
  | 'draft'
  | 'active'
  | 'under_investigation'
  | 'violation'
  | 'deportation'
  | 'closed';

/** Fields every stored entity carries. */
export interface EntityMeta {
  /** Client-generated UUID; stable across devices and the server. */
  id: string;
  /** Agency that created (and owns) the entity. */
  sourceAgency: AgencyId;
  /** When the entity was first written (UTC). */
  createdAt: IsoDateTime;
  /** When the entity was last written (UTC). */
  updatedAt: IsoDateTime;
  /** Monotonic revision, bumped by every write (the server's ETag is derived from it). */
  version: number;
}

/** Kemendagri administrative region codes, e.g. province `31`, regency `31.71`, district `31.71.01`, village `31.71.01.1001`. */
export interface RegionCode {
  /** Province code, 2 digits (e.g. `31` DKI Jakarta). */
  province: string;
  /** Regency or city code `PP.RR` (e.g. `31.72` Jakarta Utara). */
  regency?: string;
  /** District (kecamatan) code `PP.RR.DD`. */
  district?: string;
  /** Village (desa/kelurahan) code `PP.RR.DD.VVVV`. */
  village?: string;
}

/** Who the foreigner is, as their travel document states it. */
export interface PersonIdentity {
  /** Primary identifier (surname) exactly as on the document, upper case allowed. */
  surname: string;
  /** Given names, space separated, as on the document. */
  givenNames: string;
  /** Sex as printed on the document. */
  sex: Sex;
  /** Date of birth. */
  birthDate: IsoDate;
  /** Place of birth, where the document gives it. */
  birthPlace?: string;
  /** ICAO 9303 code (ISO 3166-1 alpha-3 or ICAO non-ISO such as `D`, `UNO`, `XXA`). */
  nationality: string;
}

/** The travel document the foreigner holds (passport, ID card, visa). */
export interface TravelDocument {
  /** Kind of document. */
  type: DocumentType;
  /** ICAO code of the issuing state or organisation. */
  issuingState: string;
  /** Document number as printed (TD1 long numbers included, no fillers). */
  number: string;
  /** Date of issue, where known. */
  issueDate?: IsoDate;
  /** Date of expiry. */
  expiryDate: IsoDate;
}

/** The Indonesian stay permit (izin tinggal) the foreigner holds. */
export interface StayPermit {
  /** ITK, ITAS or ITAP. */
  type: PermitType;
  /** Permit number as issued. */
  number: string;
  /** First day the permit is valid. */
  validFrom: IsoDate;
  /** Last day the permit is valid (after it: overstay). */
  validUntil: IsoDate;
  /** Visa index (indeks visa), e.g. `C312`, `E33G`. */
  visaIndex?: string;
  /** Purpose of stay as stated on the permit (work, family, study, ...). */
  purpose?: string;
}

/** The sponsor (penjamin) responsible for the foreigner in Indonesia. */
export interface Sponsor {
  /** A person (perorangan) or a company/institution (korporasi). */
  kind: 'person' | 'company';
  /** Name of the person or company. */
  name: string;
  /** NIK for a person, NIB/NPWP for a company. */
  idNumber?: string;
  /** Contact telephone number. */
  phone?: string;
  /** Contact e-mail address. */
  email?: string;
  /** Postal address of the sponsor. */
  address?: string;
}

/** The foreigner's address in Indonesia. */
export interface IndonesianAddress {
  /** Street, number and building. */
  street: string;
  /** Rukun tetangga (RT) number. */
  rt?: string;
  /** Rukun warga (RW) number. */
  rw?: string;
  /** Kemendagri codes of province, regency, district and village. */
  region: RegionCode;
  /** Five-digit postal code. */
  postalCode?: string;
}

/** What the foreigner does in Indonesia and for whom. */
export interface Occupation {
  /** Job title or activity. */
  title?: string;
  /** Employer or institution. */
  employer?: string;
  /** Employer's address. */
  employerAddress?: string;
  /** Work permit reference (RPTKA/notification), where one exists. */
  workPermitNumber?: string;
}

/** How the foreigner entered Indonesia. */
export interface Arrival {
  /** Date of entry. */
  date: IsoDate;
  /** Immigration checkpoint (TPI), e.g. `CGK` Soekarno-Hatta, `DPS` Ngurah Rai. */
  checkpoint: string;
}

/** Categories of what an inspection found. */
export type FindingCategory =
  | 'compliant'
  | 'permit_misuse'
  | 'overstay'
  | 'illegal_work'
  | 'no_document'
  | 'address_mismatch'
  | 'other';

/** Something a team found about a foreigner during supervision. */
export interface Finding {
  /** Identifier of the finding (UUID). */
  id: string;
  /** When it was found. */
  date: IsoDate;
  /** Agency that recorded it. */
  agencyId: AgencyId;
  /** What kind of finding it is. */
  category: FindingCategory;
  /** What was found, in the officer's words. */
  description: string;
  /** Operation during which it was found. */
  operationId?: string;
  /** Visible only to roles allowed to read restricted fields (e.g. intelligence). */
  restricted?: boolean;
}

/** Which record fields were filled from a machine-readable zone, and which were changed afterwards. */
export interface MrzProvenance {
  /** Field paths filled from the MRZ, e.g. `identity.surname`. */
  fields: string[];
  /** Field paths edited by a person after the MRZ filled them. */
  edited: string[];
  /** The MRZ lines as read. */
  lines?: string[];
  /** When the MRZ was read. */
  readAt?: IsoDateTime;
}

/** Everything Timpora knows about one foreigner. */
export interface ForeignerRecord extends EntityMeta {
  /** Who the foreigner is. */
  identity: PersonIdentity;
  /** The travel document. */
  document: TravelDocument;
  /** The stay permit, if any. */
  permit?: StayPermit;
  /** The sponsor (penjamin), if any. */
  sponsor?: Sponsor;
  /** Address in Indonesia. */
  address?: IndonesianAddress;
  /** Occupation and employer. */
  occupation?: Occupation;
  /** Date and checkpoint of entry. */
  arrival?: Arrival;
  /** Supervision findings, oldest first. */
  findings: Finding[];
  /** Where the record stands in supervision. */
  status: RecordStatus;
  /** Free notes shared with every agency. */
  notes?: string;
  /** Restricted notes (e.g. intelligence); only for allowed roles. */
  restrictedNotes?: string;
  /** Photo as a data URL (JPEG), optional. */
  photo?: string;
  /** Which fields came from a machine-readable zone. */
  mrz?: MrzProvenance;
}

/** Kinds of Timpora activity in the calendar. */
export type OperationKind = 'joint_operation' | 'coordination_meeting' | 'inspection' | 'outreach';
/** Where an operation stands. */
export type OperationStatus = 'planned' | 'ongoing' | 'done' | 'cancelled';

/** Indonesian time zones: WIB, WITA, WIT. Other IANA zones are accepted for meetings abroad. */
export type IndonesianTimeZone = 'Asia/Jakarta' | 'Asia/Makassar' | 'Asia/Jayapura';

/** A person taking part in an operation. */
export interface TeamMember {
  /** Stable identifier of the person (e.g. NIP), used for conflict checks. */
  id: string;
  /** Name as shown. */
  name: string;
  /** Agency the person belongs to. */
  agencyId: AgencyId;
  /** Role in the operation (e.g. team leader). */
  role?: string;
}

/** Where an operation takes place. */
export interface OperationLocation {
  /** Name of the place (used for double-booking checks). */
  name: string;
  /** Street address. */
  address?: string;
  /** Kemendagri region of the place. */
  region?: RegionCode;
}

/** RFC 5545 recurrence of an operation. */
export interface Recurrence {
  /** RRULE value without the `RRULE:` prefix, e.g. `FREQ=WEEKLY;BYDAY=MO;COUNT=10`. */
  rrule: string;
  /** Occurrence starts removed from the series, as local date-times in the operation's zone. */
  exdates?: LocalDateTime[];
  /** Per-occurrence changes keyed by the original local start (RECURRENCE-ID). */
  overrides?: Record<LocalDateTime, OccurrenceOverride>;
}

/** Changes to one occurrence of a recurring operation. */
export interface OccurrenceOverride {
  /** New wall-clock start. */
  start?: LocalDateTime;
  /** New wall-clock end. */
  end?: LocalDateTime;
  /** New title. */
  title?: string;
  /** New status (e.g. cancelled for this date only). */
  status?: OperationStatus;
  /** New location. */
  location?: OperationLocation;
}

/** A joint operation, coordination meeting, inspection or outreach event. */
export interface Operation extends EntityMeta {
  /** Kind of activity. */
  kind: OperationKind;
  /** Title as shown in the calendar. */
  title: string;
  /** Details, briefing notes. */
  description?: string;
  /** Agency leading the operation. */
  leadAgency: AgencyId;
  /** Other agencies taking part. */
  participatingAgencies: AgencyId[];
  /** People taking part. */
  team: TeamMember[];
  /** Where it takes place. */
  location: OperationLocation;
  /** Wall-clock start in `timeZone`. */
  start: LocalDateTime;
  /** Wall-clock end in `timeZone`. */
  end: LocalDateTime;
  /** IANA zone the times are written in (WIB/WITA/WIT usually). */
  timeZone: string;
  /** Recurrence rule, for series such as monthly coordination meetings. */
  recurrence?: Recurrence;
  /** Where the operation stands. */
  status: OperationStatus;
  /** Foreigner records found during the operation. */
  recordIds: string[];
}

/** An agency taking part in a Timpora team. */
export interface Agency extends EntityMeta {
  /** Full official name. */
  name: string;
  /** Short name, e.g. `Kanim Jakut`, `Polda Bali`. */
  shortName?: string;
  /** Kind of agency. */
  kind: AgencyKind;
  /** Region the agency covers. */
  region?: RegionCode;
  /** Parent agency, e.g. a regional office. */
  parentId?: AgencyId;
  /** How to reach the agency. */
  contact?: {
    /** Telephone number. */
    phone?: string;
    /** E-mail address. */
    email?: string;
    /** Postal address. */
    address?: string;
  };
}

/** Roles carried in access tokens; decide who may read restricted fields and edit other agencies' data. */
export type Role = 'officer' | 'supervisor' | 'intelligence' | 'viewer' | 'admin';
