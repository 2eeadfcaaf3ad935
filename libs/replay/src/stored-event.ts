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

export function factsOf(event: ClaimEvent, intern?: Interner): Facts {
  const keep = <T extends string | null | undefined>(v: T): T => (intern ? intern.get(v) : v);
  let kind: string | undefined;
  let actor: string | null | undefined;
  let targetId: string | undefined;
  let targetClaimant: string | undefined;
  let targetPlace: string | undefined;
  if (event.type === 'claim.asserted') {
    kind = event.data.kind;
    actor = event.data.actor;
  } else if ('claimId' in event.data.target) targetId = event.data.target.claimId;
  else {
    targetClaimant = event.data.target.claimant;
    targetPlace = event.data.target.place;
  }
  return {
    id: event.id,
    type: event.type,
    claimant: keep(event.claimant),
    place: keep(event.place.pcode),
    specific: event.place.level === 'district' ? 1 : 0,
    at: Date.parse(event.observedAt),
    kind: keep(kind),
    actor: keep(actor),
    targetId,
    targetClaimant: keep(targetClaimant),
    targetPlace: keep(targetPlace),
  };
}

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
  readonly kind: string | undefined;
  readonly actor: string | null | undefined;
  readonly targetId: string | undefined;
  readonly targetClaimant: string | undefined;
  readonly targetPlace: string | undefined;
  private loaded: ClaimEvent | undefined;

  constructor(
    facts: Facts,
    readonly position: LogPosition,
  ) {
    this.id = facts.id;
    this.type = facts.type;
    this.claimant = facts.claimant;
    this.place = facts.place;
    this.specific = facts.specific;
    this.at = facts.at;
    this.kind = facts.kind;
    this.actor = facts.actor;
    this.targetId = facts.targetId;
    this.targetClaimant = facts.targetClaimant;
    this.targetPlace = facts.targetPlace;
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
