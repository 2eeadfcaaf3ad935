/**
 * Which districts a claim bears on (rule 1 and the targets of rule 3): those its place covers,
 * those its target's place covers (a dispute, corroboration or retraction by id) and those the
 * disputed place covers (a blanket dispute). The API gives a claim by id its target's place, so
 * these are usually one province's districts or one district.
 */
import { Gazetteer } from '../gazetteer';
import { ClaimFacts } from './claim-facts';

export class DistrictRouter {
  private readonly covered = new Map<string, readonly string[]>();
  private readonly lanes = new Map<string, readonly string[]>();

  constructor(private readonly gazetteer: Gazetteer) {}

  /** The districts a place covers (itself, or a province's districts). */
  districtsOf(place: string): readonly string[] {
    let districts = this.covered.get(place);
    if (!districts) {
      districts = this.gazetteer.districtsCoveredBy(place);
      this.covered.set(place, districts);
    }
    return districts;
  }

  /** The states a place's claims apply to: the districts it covers, and a province's lane. */
  statesOf(place: string): readonly string[] {
    let states = this.lanes.get(place);
    if (!states) {
      const districts = this.districtsOf(place);
      states =
        this.gazetteer.place(place)?.level === 'province' ? [...districts, place] : districts;
      this.lanes.set(place, states);
    }
    return states;
  }

  /**
   * The states a claim bears on (districts, and a province's lane for claims about a whole
   * province); `target` is the claim it targets by id, when known.
   */
  route(claim: ClaimFacts, target: ClaimFacts | undefined): readonly string[] {
    const own = this.statesOf(claim.place);
    const other = target?.place ?? claim.targetPlace;
    if (other === undefined || other === claim.place) return own;
    const more = this.statesOf(other);
    return more.every((d) => own.includes(d)) ? own : [...new Set([...own, ...more])];
  }
}
