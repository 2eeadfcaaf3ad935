import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import {
  Gazetteer,
  kindOf,
  LoggedEvent,
  PlaceResolver,
  positionFromRecord,
  retractedClaimIds,
  targetClaimId,
  visibleAt,
} from '@sitrep/domain';
import { CLOCK, Clock, GAZETTEER, TOPICS, Topics } from '@sitrep/platform';
import { notFound } from '../http/problem';
import { ClaimsReader } from './claims.reader';
import { ReadAt } from './district-documents';
import { ClaimantPosition, ReadModelReader } from './read-model.reader';
import { TimelineReader } from './timeline.reader';

export class GetActorQuery {
  constructor(
    readonly actor: string,
    readonly at: ReadAt,
  ) {}
}
export class GetClaimQuery {
  constructor(
    readonly claimId: string,
    readonly at: ReadAt,
  ) {}
}
export class ResolvePlaceQuery {
  constructor(
    readonly q: string,
    readonly province: string | undefined,
  ) {}
}

@QueryHandler(GetActorQuery)
export class GetActorHandler implements IQueryHandler<GetActorQuery> {
  constructor(
    private readonly current: ReadModelReader,
    private readonly timelines: TimelineReader,
    private readonly claims: ClaimsReader,
    @Inject(GAZETTEER) private readonly gazetteer: Gazetteer,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ actor, at }: GetActorQuery) {
    const asOf = at.asOf;
    // Three independent reads at once (the actor's existence, its positions, what it controls).
    const [known, held, controlled] = await Promise.all([
      this.claims.actorKnown(actor),
      asOf === undefined
        ? this.current.positionsOf(actor)
        : this.timelines.positionsOfClaimantAt(actor, { asOf, axis: at.axis }).then((rows) =>
            rows.map(({ district, record }): ClaimantPosition => ({
              district,
              ...positionFromRecord(record, {
                pcode: district,
                province: this.gazetteer.place(district)!.province,
              }),
            })),
          ),
      asOf === undefined
        ? this.current.statuses({ controller: actor }, undefined, 1000)
        : this.timelines.statusesAt({ controller: actor }, undefined, 1000, {
            asOf,
            axis: at.axis,
          }),
    ]);
    if (!known) throw notFound(`any claim by or about actor ${actor}`);
    return {
      actor,
      positions: held.map((p) => ({
        district: p.district,
        name: this.gazetteer.place(p.district)!.name,
        kind: p.kind,
        actor: p.actor,
        observedAt: p.observedAt,
        claimIds: p.claimIds,
        disputedBy: p.disputedBy,
        corroboratedBy: p.corroboratedBy,
      })),
      controls: controlled.map((s) => ({
        pcode: s.pcode,
        name: s.name,
        status: s.status,
        verification: s.verification,
      })),
      asOf: asOf ?? this.clock.now().toISOString(),
      axis: at.axis,
    };
  }
}

@QueryHandler(GetClaimQuery)
export class GetClaimHandler implements IQueryHandler<GetClaimQuery> {
  constructor(
    private readonly reader: ReadModelReader,
    private readonly claims: ClaimsReader,
    @Inject(TOPICS) private readonly topics: Topics,
  ) {}

  async execute({ claimId, at }: GetClaimQuery) {
    const logged = await this.reader.event(claimId);
    if (!logged || visibleAt([logged], at.asOf, at.axis).length === 0)
      throw notFound(`claim ${claimId}`);
    const { event } = logged;
    // What targets the claim, the retractions of those, and blanket disputes over its place.
    const around = visibleAt(await this.claims.bearingOn(event), at.asOf, at.axis);
    const retracted = retractedClaimIds([logged, ...around]).has(claimId);
    const bearing = around.filter((e) => e.event.id !== claimId && bearsOn(e, logged));
    const view = (e: LoggedEvent) => ({
      claimId: e.event.id,
      kind: kindOf(e.event),
      claimant: e.event.claimant,
      observedAt: e.event.observedAt,
      recordedAt: e.event.recordedAt,
      reportId: e.event.reportId,
      submittedBy: e.event.submittedBy ?? null,
      ...('degree' in e.event.data && { degree: e.event.data.degree }),
      ...('reason' in e.event.data && { reason: e.event.data.reason }),
      blanket: targetClaimId(e.event) === undefined,
    });
    return {
      claimId,
      type: event.type,
      schema: event.schema,
      kind: kindOf(event),
      reportId: event.reportId,
      index: event.index,
      claimant: event.claimant,
      place: event.place,
      observedAt: event.observedAt,
      recordedAt: event.recordedAt,
      data: event.data,
      source: event.source,
      // Read-model rows stored before events named their submitter lack the field: null.
      submittedBy: event.submittedBy ?? null,
      retracted,
      evidence: {
        disputes: bearing.filter((e) => e.event.type === 'claim.disputed').map(view),
        corroborations: bearing.filter((e) => e.event.type === 'claim.corroborated').map(view),
        retractions: bearing
          .filter(
            (e) => e.event.type === 'claim.retracted' || e.event.type === 'claim.curator-retracted',
          )
          .map(view),
      },
      logPosition: { topic: this.topics.claims, ...logged.position },
      asOf: at.asOf ?? null,
      axis: at.axis,
    };
  }
}

/** Does `other` target `claim`: by id, or as a blanket dispute of its claimant over its place? */
function bearsOn(other: LoggedEvent, claim: LoggedEvent): boolean {
  const e = other.event;
  if (targetClaimId(e) === claim.event.id) return true;
  if (
    e.type !== 'claim.disputed' ||
    'claimId' in e.data.target ||
    e.claimant === claim.event.claimant
  )
    return false;
  const { place } = claim.event;
  return (
    e.data.target.claimant === claim.event.claimant &&
    (e.data.target.place === place.pcode || e.data.target.place === place.province) &&
    Date.parse(e.observedAt) >= Date.parse(claim.event.observedAt)
  );
}

@QueryHandler(ResolvePlaceQuery)
export class ResolvePlaceHandler implements IQueryHandler<ResolvePlaceQuery> {
  private readonly resolver: PlaceResolver;
  constructor(@Inject(GAZETTEER) gazetteer: Gazetteer) {
    this.resolver = new PlaceResolver(gazetteer);
  }

  async execute({ q, province }: ResolvePlaceQuery) {
    let scope: string | undefined;
    if (province !== undefined) {
      const r = this.resolver.resolve(province);
      if (r.kind !== 'resolved' || r.place.level !== 'province')
        throw notFound(`province ${province}`);
      scope = r.place.pcode;
    }
    const decision = this.resolver.resolve(q, scope);
    return {
      query: q,
      province: scope ?? null,
      decision:
        decision.kind === 'resolved'
          ? {
              kind: 'resolved',
              pcode: decision.place.pcode,
              resolution: decision.resolution,
              matched: decision.matched,
            }
          : { kind: decision.kind },
      candidates: this.resolver.rank(q, scope).slice(0, 10),
    };
  }
}
