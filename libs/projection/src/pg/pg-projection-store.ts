/**
 * The live projector's store: a read-model version in Postgres, read within the batch's
 * transaction. A batch reads only what it touches: the current state of its districts, the claims
 * it targets, a line's older assertions when a retraction needs them, and for each district whose
 * observed timeline it rewrites, the state just before the instant and the claims since.
 */
import { ClaimFacts, DistrictState, Gazetteer, LineNeed } from '@sitrep/domain';
import { PoolClient } from 'pg';
import { ObservedDue, OlderAssertions, ProjectionStore, StoredClaim } from '../projection-store';
import { DistrictStatusRepository } from './district-status.repository';
import { EventsRepository } from './events.repository';
import { TimelinesRepository } from './timelines.repository';

export class PgProjectionStore implements ProjectionStore {
  readonly complete = false;
  private readonly events: EventsRepository;
  private readonly districts: DistrictStatusRepository;
  private readonly timelines: TimelinesRepository;

  constructor(
    client: PoolClient,
    schema: string,
    private readonly gazetteer: Gazetteer,
  ) {
    this.events = new EventsRepository(client, schema);
    this.districts = new DistrictStatusRepository(client, schema);
    this.timelines = new TimelinesRepository(client, schema);
  }

  private ref(pcode: string) {
    return { pcode, province: this.gazetteer.place(pcode)!.province };
  }

  applied(ids: readonly string[]): Promise<ReadonlySet<string>> {
    return this.events.applied(ids);
  }

  claims(ids: readonly string[]): Promise<readonly StoredClaim[]> {
    return this.events.claims(ids);
  }

  targeting(ids: readonly string[]): Promise<readonly StoredClaim[]> {
    return this.events.targeting(ids);
  }

  blanketsReaching(
    reaching: readonly { readonly district: string; readonly claim: ClaimFacts }[],
  ): Promise<readonly ClaimFacts[]> {
    return this.events.blanketsReaching(
      reaching.map(({ district, claim }) => ({
        claimant: claim.claimant,
        places: [district, this.ref(district).province],
        at: claim.at,
      })),
    );
  }

  current(districts: readonly string[]): Promise<Map<string, DistrictState>> {
    return this.districts.load(districts.map((d) => this.ref(d)));
  }

  older(needs: readonly LineNeed[], limit: number): Promise<OlderAssertions[]> {
    return this.events.older(
      needs.map((need) => {
        const ref = this.ref(need.district);
        return { need, places: [ref.pcode, ref.province] };
      }),
      limit,
    );
  }

  observedBefore(dues: readonly ObservedDue[]): Promise<DistrictState[]> {
    return this.timelines.observedBefore(
      dues.map((d) => ({ ...this.ref(d.district), from: d.from })),
    );
  }

  observedFrom(dues: readonly ObservedDue[]): Promise<ClaimFacts[][]> {
    return this.events.observedFrom(dues.map((d) => ({ ...this.ref(d.district), from: d.from })));
  }
}
