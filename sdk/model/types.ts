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
  createdAt: IsoDateTime;
  updatedAt: IsoDateTime;
  /** Monotonic revision, bumped by every write (the server's ETag is derived from it). */
  version: number;
}

/** Kemendagri administrative region codes, e.g. province `31`, regency `31.71`, district `31.71.01`, village `31.71.01.1001`. */
export interface RegionCode {
  province: string;
  regency?: string;
  district?: string;
  village?: string;
}

export interface PersonIdentity {
  /** Primary identifier (surname) exactly as on the document, upper case allowed. */
  surname: string;
  givenNames: string;
  sex: Sex;
  birthDate: IsoDate;
  birthPlace?: string;
  /** ICAO 9303 code (ISO 3166-1 alpha-3 or ICAO non-ISO such as `D`, `UNO`, `XXA`). */
  nationality: string;
}

export interface TravelDocument {
  type: DocumentType;
  /** ICAO code of the issuing state or organisation. */
  issuingState: string;
  number: string;
  issueDate?: IsoDate;
  expiryDate: IsoDate;
}

export interface StayPermit {
  type: PermitType;
  number: string;
  validFrom: IsoDate;
  validUntil: IsoDate;
  /** Visa index (indeks visa), e.g. `C312`, `E33G`. */
  visaIndex?: string;
  purpose?: string;
}

export interface Sponsor {
  /** A person (perorangan) or a company/institution (korporasi). */
  kind: 'person' | 'company';
  name: string;
  /** NIK for a person, NIB/NPWP for a company. */
  idNumber?: string;
  phone?: string;
  email?: string;
  address?: string;
}

export interface IndonesianAddress {
  street: string;
  rt?: string;
  rw?: string;
  region: RegionCode;
  postalCode?: string;
}

export interface Occupation {
  title?: string;
  employer?: string;
  employerAddress?: string;
  /** Work permit reference (RPTKA/notification), where one exists. */
  workPermitNumber?: string;
}

export interface Arrival {
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

export interface Finding {
  id: string;
  date: IsoDate;
  agencyId: AgencyId;
  category: FindingCategory;
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
  readAt?: IsoDateTime;
}

/** Everything Timpora knows about one foreigner. */
export interface ForeignerRecord extends EntityMeta {
  identity: PersonIdentity;
  document: TravelDocument;
  permit?: StayPermit;
  sponsor?: Sponsor;
  address?: IndonesianAddress;
  occupation?: Occupation;
  arrival?: Arrival;
  findings: Finding[];
  status: RecordStatus;
  notes?: string;
  /** Restricted notes (e.g. intelligence); only for allowed roles. */
  restrictedNotes?: string;
  /** Photo as a data URL (JPEG), optional. */
  photo?: string;
  mrz?: MrzProvenance;
}

export type OperationKind = 'joint_operation' | 'coordination_meeting' | 'inspection' | 'outreach';
export type OperationStatus = 'planned' | 'ongoing' | 'done' | 'cancelled';

/** Indonesian time zones: WIB, WITA, WIT. Other IANA zones are accepted for meetings abroad. */
export type IndonesianTimeZone = 'Asia/Jakarta' | 'Asia/Makassar' | 'Asia/Jayapura';

export interface TeamMember {
  id: string;
  name: string;
  agencyId: AgencyId;
  role?: string;
}

export interface OperationLocation {
  name: string;
  address?: string;
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

export interface OccurrenceOverride {
  start?: LocalDateTime;
  end?: LocalDateTime;
  title?: string;
  status?: OperationStatus;
  location?: OperationLocation;
}

/** A joint operation, coordination meeting, inspection or outreach event. */
export interface Operation extends EntityMeta {
  kind: OperationKind;
  title: string;
  description?: string;
  leadAgency: AgencyId;
  participatingAgencies: AgencyId[];
  team: TeamMember[];
  location: OperationLocation;
  /** Wall-clock start in `timeZone`. */
  start: LocalDateTime;
  /** Wall-clock end in `timeZone`. */
  end: LocalDateTime;
  /** IANA zone the times are written in (WIB/WITA/WIT usually). */
  timeZone: string;
  recurrence?: Recurrence;
  status: OperationStatus;
  /** Foreigner records found during the operation. */
  recordIds: string[];
}

/** An agency taking part in a Timpora team. */
export interface Agency extends EntityMeta {
  name: string;
  /** Short name, e.g. `Kanim Jakut`, `Polda Bali`. */
  shortName?: string;
  kind: AgencyKind;
  region?: RegionCode;
  parentId?: AgencyId;
  contact?: { phone?: string; email?: string; address?: string };
}

/** Roles carried in access tokens; decide who may read restricted fields and edit other agencies' data. */
export type Role = 'officer' | 'supervisor' | 'intelligence' | 'viewer' | 'admin';
