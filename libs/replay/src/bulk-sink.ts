/**
 * A full replay's sink: the events and the timeline versions the engine produces go into the new
 * version by COPY, each table on a connection of its own, while the log is still being read.
 *
 * COPY cannot upsert, so recorded versions wait in memory until the next version of the same
 * district (or claimant) shows that the instant is over: an instant split between two batches is
 * written once, with its last cause, and not at all when it came back to the version before it
 * (as the live projector's upserts and `ContinuedInstant`s do).
 */
import {
  addEventRow,
  AppliedEvent,
  BatchEffects,
  ContinuedInstant,
  copyField,
  CopyStream,
  EVENT_COLUMNS,
  EventRowTarget,
  POSITION_COLUMNS,
  positionRow,
  PositionVersion,
  STATUS_COLUMNS,
  statusRow,
  StatusVersion,
  Timeline,
} from '@sitrep/projection';
import { Pool, PoolClient } from 'pg';

const NO_STATUS = { status: 'unclaimed', controller: null, verification: 'none' } as const;

/** Where rows go: a COPY stream (a full replay), or memory (a scoped replay, COPYed later). */
export interface RowTarget extends EventRowTarget {
  add(rows: string): void;
  flush(): Promise<void> | undefined;
  finish(): Promise<void>;
}

interface Copy {
  readonly client: PoolClient | undefined;
  readonly stream: RowTarget;
}

/** Rows kept in memory. */
export class MemoryRows implements RowTarget {
  private readonly chunks: string[] = [];
  add(rows: string): void {
    this.chunks.push(rows);
  }
  addRow(start: string, body: string): void {
    this.chunks.push(`${start}${copyField(body)}\n`);
  }
  addRowBytes(start: string, body: Buffer): void {
    this.addRow(start, body.toString('utf8'));
  }
  flush(): undefined {
    return undefined;
  }
  async finish(): Promise<void> {}
  /** The rows kept, as COPY text. */
  text(): string {
    return this.chunks.join('');
  }
  /** Write the rows kept into a COPY on `client`. */
  async copyInto(client: PoolClient, sql: string): Promise<void> {
    const stream = new CopyStream(client, sql);
    for (const chunk of this.chunks) {
      const waiting = stream.write(chunk);
      if (waiting) await waiting;
    }
    await stream.finish();
  }
}

export class BulkSink {
  private readonly pendingStatus = new Map<string, StatusVersion>();
  private readonly writtenStatus = new Map<string, StatusVersion>();
  /** By district, then claimant. */
  private readonly pendingPosition = new Map<string, Map<string, PositionVersion>>();
  private readonly writtenRecord = new Map<string, string | null>();
  /** Every (district, claimant) pair with a position version: the district_claimants rows. */
  readonly claimants = new Set<string>();
  /** Every claimant and actor named. */
  readonly actors = new Set<string>();
  rows = 0;

  /** Into COPY streams of a version being built, each on a connection of its own. */
  static async copyingInto(pool: Pool, schema: string): Promise<BulkSink> {
    const open = async (table: string, columns: string): Promise<Copy> => {
      const client = await pool.connect();
      // A version being built is not live: its commits need not wait for the disk (the switch
      // commits synchronously later, which flushes everything written before it).
      await client.query('SET synchronous_commit = off');
      return {
        client,
        stream: new CopyStream(client, `COPY ${schema}.${table} (${columns}) FROM STDIN`),
      };
    };
    return new BulkSink(
      await open('events', EVENT_COLUMNS),
      await open('status_timeline', STATUS_COLUMNS),
      await open('position_timeline', POSITION_COLUMNS),
    );
  }

  /** Into memory, for COPYs on one connection later (`MemoryRows.copyInto`). */
  static inMemory(): {
    sink: BulkSink;
    rows: Record<'events' | 'statuses' | 'positions', MemoryRows>;
  } {
    const rows = {
      events: new MemoryRows(),
      statuses: new MemoryRows(),
      positions: new MemoryRows(),
    };
    const copy = (stream: MemoryRows): Copy => ({ client: undefined, stream });
    return {
      sink: new BulkSink(copy(rows.events), copy(rows.statuses), copy(rows.positions)),
      rows,
    };
  }

  private constructor(
    private events: Copy | undefined,
    private statuses: Copy | undefined,
    private positions: Copy | undefined,
  ) {}

  /**
   * Queue a batch's events and recorded versions; `bodies` are the messages' bytes by claim id,
   * stored as the body when decoding changed nothing (decodeBatch). A promise when Postgres is
   * behind.
   */
  write(
    effects: BatchEffects,
    bodies: ReadonlyMap<string, Buffer | null>,
  ): Promise<void> | undefined {
    this.addEvents(effects.applied, bodies);
    this.addRecorded(effects.recorded);
    return this.flush();
  }

  /** Queue observed versions (computed once per district: no instant repeats). */
  addObserved(timeline: Timeline): Promise<void> | undefined {
    for (const v of timeline.statuses) this.statuses!.stream.add(statusRow(v));
    for (const v of timeline.positions) this.writePosition(v);
    this.rows += timeline.statuses.length + timeline.positions.length;
    return this.flush();
  }

  private addEvents(
    applied: readonly AppliedEvent[],
    bodies: ReadonlyMap<string, Buffer | null>,
  ): void {
    const stream = this.events!.stream;
    for (const { logged, facts } of applied) {
      addEventRow(stream, facts, logged.event, bodies.get(facts.id));
      this.actors.add(facts.claimant);
      if (facts.actor) this.actors.add(facts.actor);
    }
  }

  /**
   * A district's versions wait until its next one (a later instant) comes: a batch that continues
   * the instant the previous one ended with moves their cause and may find them no change at all
   * (ContinuedInstant). So a batch's versions at the instants it continued come first, then the
   * continued instants are settled, then its later versions, which write the pending ones: a batch
   * that continues an instant and goes on past it must not write the versions it continued as the
   * previous batch left them.
   */
  private addRecorded(recorded: BatchEffects['recorded']): void {
    const continued = new Map(recorded.continued.map((c) => [c.district, c.from]));
    const atContinued = (v: { district: string; from: number }) =>
      continued.get(v.district) === v.from;
    this.addVersions(recorded.statuses.filter(atContinued), recorded.positions.filter(atContinued));
    for (const c of recorded.continued) this.continueInstant(c);
    this.addVersions(
      recorded.statuses.filter((v) => !atContinued(v)),
      recorded.positions.filter((v) => !atContinued(v)),
    );
  }

  /** Versions in instant order: each writes the pending one of its key if that is earlier. */
  private addVersions(
    statuses: readonly StatusVersion[],
    positions: readonly PositionVersion[],
  ): void {
    for (const v of statuses) {
      const pending = this.pendingStatus.get(v.district);
      if (pending && pending.from !== v.from) this.writeStatus(pending);
      this.pendingStatus.set(v.district, v);
    }
    for (const v of positions) {
      let district = this.pendingPosition.get(v.district);
      if (!district) this.pendingPosition.set(v.district, (district = new Map()));
      const pending = district.get(v.claimant);
      if (pending && pending.from !== v.from) this.writePosition(pending);
      district.set(v.claimant, v);
    }
  }

  /** The versions pending at a continued instant take its cause, or go if they changed nothing. */
  private continueInstant(c: ContinuedInstant): void {
    const status = this.pendingStatus.get(c.district);
    if (status?.from === c.from) {
      const was = this.writtenStatus.get(c.district) ?? NO_STATUS;
      if (
        was.status === status.status &&
        was.controller === status.controller &&
        was.verification === status.verification
      )
        this.pendingStatus.delete(c.district);
      else this.pendingStatus.set(c.district, { ...status, cause: c.cause });
    }
    const district = this.pendingPosition.get(c.district);
    for (const [claimant, position] of district ?? []) {
      if (position.from !== c.from) continue;
      const written = this.writtenRecord.get(`${c.district}\u0000${claimant}`) ?? null;
      if (written === position.record) district!.delete(claimant);
      else district!.set(claimant, { ...position, cause: c.cause });
    }
  }

  private writeStatus(v: StatusVersion): void {
    this.statuses!.stream.add(statusRow(v));
    this.writtenStatus.set(v.district, v);
    this.rows += 1;
  }

  private writePosition(v: PositionVersion): void {
    this.positions!.stream.add(positionRow(v));
    const key = `${v.district}\u0000${v.claimant}`;
    this.claimants.add(key);
    if (v.axis === 'recorded') {
      this.writtenRecord.set(key, v.record);
      this.rows += 1;
    }
  }

  private flush(): Promise<void> | undefined {
    const waits = [this.events, this.statuses, this.positions]
      .map((c) => c?.stream.flush())
      .filter((w): w is Promise<void> => w !== undefined);
    return waits.length === 0 ? undefined : Promise.all(waits).then(() => undefined);
  }

  /** Write the recorded versions still waiting (the log is read: every instant is over). */
  endRecorded(): void {
    for (const v of this.pendingStatus.values()) this.writeStatus(v);
    for (const district of this.pendingPosition.values())
      for (const v of district.values()) this.writePosition(v);
    this.pendingStatus.clear();
    this.pendingPosition.clear();
  }

  /** End the events' COPY: every event is stored when this returns. */
  async finishEvents(): Promise<void> {
    await this.finish(this.events);
    this.events = undefined;
  }

  /** End the timelines' COPYs. */
  async finishTimelines(): Promise<void> {
    await this.finish(this.statuses);
    await this.finish(this.positions);
    this.statuses = undefined;
    this.positions = undefined;
  }

  private async finish(copy: Copy | undefined): Promise<void> {
    if (!copy) return;
    try {
      await copy.stream.finish();
      await copy.client?.query('RESET synchronous_commit');
      copy.client?.release();
    } catch (error) {
      copy.client?.release(error as Error);
      throw error;
    }
  }

  /** Abandon every COPY (the replay failed); their connections are closed. */
  abort(reason: Error): void {
    for (const copy of [this.events, this.statuses, this.positions]) {
      if (!copy?.client) continue;
      (copy.stream as CopyStream).abort(reason);
      copy.client.release(reason);
    }
    this.events = this.statuses = this.positions = undefined;
  }
}
