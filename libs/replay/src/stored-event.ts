/**
 * Events held in memory by a full replay, compactly. A million decoded events are tens of
 * millions of small objects that the garbage collector copies and marks over and over, and most
 * of them are never looked at again: a district's status depends on the latest few assertions of
 * each claimant (about 6% of the events of a realistic log). So a full replay keeps, per event,
 * the few facts that decide which events a status depends on; those events are then read back
 * from the version's events table (where the bulk load stored them) before statuses are computed.
 */
import { ClaimEvent, LoggedEvent, LogPosition } from '@sitrep/domain';

/** What routing an event to the districts it bears on needs to know. */
export interface Facts {
  readonly id: string;
  readonly type: ClaimEvent['type'];
  readonly claimant: string;
  /** The event's place (p-code). */
  readonly place: string;
  /** 1 for a district-level place, 0 for a province. */
  readonly specific: number;
  /** observedAt, in milliseconds. */
  readonly at: number;
  /** Assertions: kind and actor. */
  readonly kind: string | undefined;
  readonly actor: string | null | undefined;
  /** Disputes, corroborations and retractions of a claim by id. */
  readonly targetId: string | undefined;
  /** Blanket disputes: the claimant and place disputed. */
  readonly targetClaimant: string | undefined;
  readonly targetPlace: string | undefined;
}

/** Small strings that repeat (claimants, places, kinds) kept once. */
export class Interner {
  private readonly strings = new Map<string, string>();
  get<T extends string | null | undefined>(value: T): T {
    if (typeof value !== 'string') return value;
    const known = this.strings.get(value);
    if (known !== undefined) return known as T;
    this.strings.set(value, value);
    return value;
  }
}

/** The facts of an event (a stored event not placed in the log). */
export const factsOf = (event: ClaimEvent): Facts => new StoredEvent(event, NOWHERE);

const NOWHERE: LogPosition = { partition: -1, offset: -1 };

/**
 * An event of the log kept as its facts. `event` is there only once loaded (`load`), until
 * `release`: whoever needs events loads them first (see `ReplayRun.load`).
 */
export class StoredEvent implements LoggedEvent, Facts {
  readonly id: string;
  readonly type: ClaimEvent['type'];
  readonly claimant: string;
  readonly place: string;
  readonly specific: number;
  readonly at: number;
  readonly kind: string | undefined = undefined;
  readonly actor: string | null | undefined = undefined;
  readonly targetId: string | undefined = undefined;
  readonly targetClaimant: string | undefined = undefined;
  readonly targetPlace: string | undefined = undefined;
  private loaded: ClaimEvent | undefined;

  constructor(
    event: ClaimEvent,
    readonly position: LogPosition,
    intern?: Interner,
  ) {
    const keep = <T extends string | null | undefined>(v: T): T => (intern ? intern.get(v) : v);
    this.id = event.id;
    this.type = event.type;
    this.claimant = keep(event.claimant);
    this.place = keep(event.place.pcode);
    this.specific = event.place.level === 'district' ? 1 : 0;
    this.at = Date.parse(event.observedAt);
    if (event.type === 'claim.asserted') {
      this.kind = keep(event.data.kind);
      this.actor = keep(event.data.actor);
    } else if ('claimId' in event.data.target) this.targetId = event.data.target.claimId;
    else {
      this.targetClaimant = keep(event.data.target.claimant);
      this.targetPlace = keep(event.data.target.place);
    }
  }

  get event(): ClaimEvent {
    if (!this.loaded) throw new Error(`event ${this.id} is not loaded (a bug in the replay)`);
    return this.loaded;
  }

  get isLoaded(): boolean {
    return this.loaded !== undefined;
  }

  load(event: ClaimEvent): void {
    if (event.id !== this.id) throw new Error(`loaded ${event.id} for ${this.id}`);
    this.loaded = event;
  }

  /** Forget the event (load it again when needed). */
  release(): void {
    this.loaded = undefined;
  }
}

/** The facts of any logged event, without decoding a stored one. */
export const factsOfLogged = (logged: LoggedEvent): Facts =>
  logged instanceof StoredEvent ? logged : factsOf(logged.event);
