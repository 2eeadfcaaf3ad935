/**
 * DESIGN.md, "Place names": p-code; exact name or alias after normalisation; then a unique near
 * match within the province given. Anything ambiguous is refused with candidates.
 */
import { editDistance, nearMatchLimit, normalisePlaceName, PlaceResolver } from './places';
import {
  ANAWA,
  ANDARAB,
  BAGHLAN,
  BAZARAK,
  DARA,
  DEH_SALAH,
  gazetteer,
  KABUL,
  KHENJ,
  PANJSHIR,
  RUKHA,
} from './testing/fixtures';

describe('normalisePlaceName', () => {
  it('then case does not matter', () => {
    expect(normalisePlaceName('RUKHA')).toBe(normalisePlaceName('rukha'));
  });

  it('then diacritics do not matter', () => {
    expect(normalisePlaceName('Anābah')).toBe(normalisePlaceName('Anabah'));
    expect(normalisePlaceName('Pul-é-Ḥisār')).toBe(normalisePlaceName('Pul-e-Hisar'));
  });

  it('then hyphens and spaces do not matter', () => {
    expect(normalisePlaceName('Pul-e-Hisar')).toBe('pulehisar');
    expect(normalisePlaceName('Pul e Hisar')).toBe('pulehisar');
    expect(normalisePlaceName(' Dih  Salah ')).toBe(normalisePlaceName('DihSalah'));
  });

  it('then doubled letters do not matter: "Annaba" is "Anaba"', () => {
    expect(normalisePlaceName('Annaba')).toBe('anaba');
    expect(normalisePlaceName('Hissa-e-Awal')).toBe(normalisePlaceName('Hisa-e-Awal'));
  });

  it('then a trailing h does not matter: "Rukhah" is "Rukha"', () => {
    expect(normalisePlaceName('Rukhah')).toBe(normalisePlaceName('Rukha'));
    expect(normalisePlaceName('Darah')).toBe(normalisePlaceName('Dara'));
    expect(normalisePlaceName('Anabah')).toBe(normalisePlaceName('Annaba'));
  });

  it('then only one trailing h is dropped, and not from a very short name', () => {
    expect(normalisePlaceName('Rukhah')).toBe('rukha');
    expect(normalisePlaceName('Ah')).toBe('ah');
  });
});

describe('editDistance', () => {
  it('then equal strings are 0 apart and one edit is 1', () => {
    expect(editDistance('anawa', 'anawa')).toBe(0);
    expect(editDistance('anawa', 'anaba')).toBe(1);
    expect(editDistance('rukha', 'rukh')).toBe(1);
    expect(editDistance('', 'dara')).toBe(4);
  });

  it('then an adjacent transposition counts once', () => {
    expect(editDistance('bazarak', 'bazaark')).toBe(1);
    expect(editDistance('ab', 'ba')).toBe(1);
  });

  it('then "Barazak" is two edits from "Bazarak" (the letters swapped are not adjacent)', () => {
    expect(editDistance('barazak', 'bazarak')).toBe(2);
  });

  it('then it is symmetric', () => {
    expect(editDistance('khinj', 'khenj')).toBe(editDistance('khenj', 'khinj'));
  });

  it('then the near-match limit is one edit for short names, two for longer ones', () => {
    expect(nearMatchLimit('dara')).toBe(1);
    expect(nearMatchLimit('anaba')).toBe(2);
  });
});

describe('PlaceResolver.resolve', () => {
  const resolver = new PlaceResolver(gazetteer);

  describe('tier 1: p-code', () => {
    it('given "AF0805", then it resolves to Anawa by p-code', () => {
      expect(resolver.resolve('AF0805')).toMatchObject({
        kind: 'resolved',
        place: { pcode: ANAWA, name: 'Anawa', level: 'district', province: PANJSHIR },
        resolution: 'pcode',
      });
    });

    it('given a lower-case p-code with spaces, or a province p-code, then it resolves', () => {
      expect(resolver.resolve(' af0805 ')).toMatchObject({
        kind: 'resolved',
        place: { pcode: ANAWA },
      });
      expect(resolver.resolve('AF09')).toMatchObject({
        kind: 'resolved',
        place: { pcode: BAGHLAN, level: 'province' },
      });
    });

    it('given a p-code of another province than the hint, then it is unknown', () => {
      expect(resolver.resolve(ANDARAB, PANJSHIR)).toMatchObject({ kind: 'unknown' });
    });

    it('given a p-code of the hinted province, then it resolves', () => {
      expect(resolver.resolve(RUKHA, PANJSHIR)).toMatchObject({
        kind: 'resolved',
        resolution: 'pcode',
      });
    });

    it('given a well-formed p-code that does not exist, then it is unknown', () => {
      expect(resolver.resolve('AF0899')).toMatchObject({ kind: 'unknown' });
    });
  });

  describe('tier 2: exact name or alias after normalisation', () => {
    it('given "Rukhah", then it is Rukha (AF0802) by name', () => {
      expect(resolver.resolve('Rukhah')).toMatchObject({
        kind: 'resolved',
        place: { pcode: RUKHA, name: 'Rukha' },
        resolution: 'name',
        matched: 'Rukha',
      });
    });

    it('given "Khinj", then it is Khenj (AF0804) by alias', () => {
      expect(resolver.resolve('Khinj')).toMatchObject({
        kind: 'resolved',
        place: { pcode: KHENJ, name: 'Khenj' },
        resolution: 'alias',
        matched: 'Khinj',
      });
    });

    it('given "Onaba" or "Unaba", then it is Anawa (AF0805) by alias', () => {
      for (const input of ['Onaba', 'Unaba', 'unaba']) {
        expect(resolver.resolve(input)).toMatchObject({
          kind: 'resolved',
          place: { pcode: ANAWA },
          resolution: 'alias',
        });
      }
    });

    it('given "Darah", then it is Dara (AF0803): after normalisation it is the official name', () => {
      expect(resolver.resolve('Darah')).toMatchObject({
        kind: 'resolved',
        place: { pcode: DARA },
        resolution: 'name',
      });
    });

    it('given "Panjshir", then it is the province Panjsher (AF08) by alias', () => {
      expect(resolver.resolve('Panjshir')).toMatchObject({
        kind: 'resolved',
        place: { pcode: PANJSHIR, level: 'province', name: 'Panjsher' },
        resolution: 'alias',
      });
    });

    it('given "Dih-Salah" or the Dari name, then it is Deh Salah (AF0908)', () => {
      expect(resolver.resolve('Dih-Salah')).toMatchObject({
        place: { pcode: DEH_SALAH },
        resolution: 'alias',
      });
      expect(resolver.resolve('ده صلاح')).toMatchObject({
        place: { pcode: DEH_SALAH },
        resolution: 'name',
      });
    });

    it('given "Khinj" with Baghlan as the hint, then the Panjshir alias is out of scope', () => {
      const resolved = resolver.resolve('Khinj', BAGHLAN);
      expect(resolved.kind === 'resolved' && resolved.place.pcode).not.toBe(KHENJ);
    });
  });

  describe('ambiguity', () => {
    it('given "Kabul", then it is ambiguous between the province and the district, with both as candidates', () => {
      const resolved = resolver.resolve('Kabul');
      expect(resolved.kind).toBe('ambiguous');
      expect(
        resolved.kind !== 'resolved' &&
          resolved.candidates.map((c) => [c.pcode, c.level, c.distance]),
      ).toEqual([
        [KABUL, 'province', 0],
        ['AF0101', 'district', 0],
      ]);
    });

    it('given "Kabul" with Kabul province as the hint, then it is still ambiguous (never a guess)', () => {
      expect(resolver.resolve('Kabul', KABUL).kind).toBe('ambiguous');
    });
  });

  describe('tier 3: a unique near match within the province given', () => {
    it('given "Anabah" in AF08, then it is Anawa (AF0805) by near match', () => {
      expect(resolver.resolve('Anabah', PANJSHIR)).toMatchObject({
        kind: 'resolved',
        place: { pcode: ANAWA, name: 'Anawa' },
        resolution: 'near',
      });
    });

    it('given "Annaba" in AF08, then it is Anawa too', () => {
      expect(resolver.resolve('Annaba', PANJSHIR)).toMatchObject({
        kind: 'resolved',
        place: { pcode: ANAWA },
        resolution: 'near',
      });
    });

    it('given "Barazak" in AF08, then it is Bazarak (AF0801) by near match', () => {
      expect(resolver.resolve('Barazak', PANJSHIR)).toMatchObject({
        kind: 'resolved',
        place: { pcode: BAZARAK, name: 'Bazarak' },
        resolution: 'near',
        matched: 'Bazarak',
      });
    });

    it('given "Anabah" or "Barazak" without a province, then there is no near match, only candidates', () => {
      const anabah = resolver.resolve('Anabah');
      expect(anabah.kind).toBe('unknown');
      expect(anabah.kind !== 'resolved' && anabah.candidates[0]).toMatchObject({
        pcode: ANAWA,
        resolution: 'near',
      });
      const barazak = resolver.resolve('Barazak');
      expect(barazak.kind).toBe('unknown');
      expect(barazak.kind !== 'resolved' && barazak.candidates[0]).toMatchObject({
        pcode: BAZARAK,
      });
    });

    it('given "Abshar" in AF08, then it is unknown, with the closest places of Panjshir as candidates', () => {
      const resolved = resolver.resolve('Abshar', PANJSHIR);
      expect(resolved.kind).toBe('unknown');
      const candidates = resolved.kind === 'unknown' ? resolved.candidates : [];
      expect(candidates.length).toBeGreaterThan(0);
      expect(candidates.length).toBeLessThanOrEqual(5);
      for (const c of candidates) {
        expect(c.province).toBe(PANJSHIR);
        expect(c.distance).toBeGreaterThan(nearMatchLimit(normalisePlaceName('Abshar')));
      }
      const distances = candidates.map((c) => c.distance);
      expect(distances).toEqual([...distances].sort((a, b) => a - b));
    });

    it('given "Darawa" in AF08, two edits from both Dara and Anawa, then it is ambiguous with both', () => {
      const resolved = resolver.resolve('Darawa', PANJSHIR);
      expect(resolved.kind).toBe('ambiguous');
      expect(
        resolved.kind !== 'resolved' && resolved.candidates.map((c) => [c.pcode, c.distance]),
      ).toEqual([
        [DARA, 2],
        [ANAWA, 2],
      ]);
    });

    it('given "Dana" in AF08, one edit from Dara only, then it is Dara by near match', () => {
      expect(resolver.resolve('Dana', PANJSHIR)).toMatchObject({
        kind: 'resolved',
        place: { pcode: DARA },
        resolution: 'near',
      });
    });

    it('given "Rawa" in AF08, two edits from Dara and Anawa but a short name (limit one edit), then it is unknown', () => {
      expect(resolver.resolve('Rawa', PANJSHIR).kind).toBe('unknown');
    });
  });

  describe('rank', () => {
    it('then each place appears once, with its closest spelling, best first', () => {
      const ranked = resolver.rank('Unabah', PANJSHIR);
      expect(ranked[0]).toMatchObject({
        pcode: ANAWA,
        matched: 'Unaba',
        resolution: 'alias',
        distance: 0,
      });
      expect(new Set(ranked.map((c) => c.pcode)).size).toBe(ranked.length);
    });
  });
});
