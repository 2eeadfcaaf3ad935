/**
 * A district's document (status, controller, verification, positions) now or as of an instant on
 * an axis: the current state, or the timelines' versions in effect then; and the provenance of
 * the claims its positions show. A handful of indexed look-ups whatever the size of the log.
 */
import { Inject, Injectable } from '@nestjs/common';
import { Axis, decide, Gazetteer, StatusDecision } from '@sitrep/domain';
import { GAZETTEER } from '@sitrep/platform';
import { ClaimsReader } from './claims.reader';
import { ReadModelReader } from './read-model.reader';
import { TimelineReader } from './timeline.reader';
import { DistrictDocument, positionsOfRecords, runClaimIds } from './views';

export interface ReadAt {
  readonly asOf?: string;
  readonly axis: Axis;
}

@Injectable()
export class DistrictDocuments {
  constructor(
    private readonly current: ReadModelReader,
    private readonly timelines: TimelineReader,
    private readonly claims: ClaimsReader,
    @Inject(GAZETTEER) private readonly gazetteer: Gazetteer,
  ) {}

  async document(
    pcode: string,
    at: ReadAt,
  ): Promise<DistrictDocument & { readonly rules: StatusDecision['rules'] }> {
    if (!at.asOf) {
      const stored = await this.current.status(pcode);
      if (stored) return stored;
      return { pcode, positions: [], ...decide([]) };
    }
    const records = await this.timelines.positionsAt(pcode, { asOf: at.asOf, axis: at.axis });
    const positions = positionsOfRecords(this.gazetteer, pcode, records);
    return { pcode, positions, ...decide(positions) };
  }

  provenance(document: DistrictDocument) {
    return this.claims.provenance(runClaimIds(document.positions));
  }
}
