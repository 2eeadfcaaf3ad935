/**
 * Places as analysts type them in reports: a p-code, a name or an alias, resolved as the API
 * resolves them (draws from the generator's stream).
 */
import { PlaceRef } from '../../events';
import { Gazetteer } from '../../gazetteer';
import { pick } from './draws';

export class TypedPlaces {
  private readonly aliases = new Map<string, string[]>();

  constructor(
    private readonly random: () => number,
    private readonly gazetteer: Gazetteer,
  ) {
    for (const a of gazetteer.aliases) {
      const list = this.aliases.get(a.pcode) ?? [];
      list.push(a.alias);
      this.aliases.set(a.pcode, list);
    }
  }

  /** A place as an analyst would type it (p-code, name or alias), resolved as the API does. */
  ref(pcode: string): PlaceRef {
    const place = this.gazetteer.place(pcode)!;
    const aliases = this.aliases.get(pcode) ?? [];
    const how = this.random();
    const [input, resolution] =
      how < 0.2
        ? [pcode, 'pcode' as const]
        : how < 0.4 && aliases.length > 0
          ? [pick(this.random, aliases), 'alias' as const]
          : [place.name, 'name' as const];
    return { ...place, input, resolution };
  }
}
