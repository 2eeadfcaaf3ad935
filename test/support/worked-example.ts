/**
 * The reports of DESIGN.md's worked example (Baghlan's Andarab valley), shared by the HTTP tests.
 * Each test file passes its own report-id prefix.
 */
import { Json } from './stack';

export const ANDARAB = 'AF0907';
export const DEH_SALAH = 'AF0908';
export const PUL_E_HISAR = 'AF0912';
export const BAGHLAN = 'AF09';
export const DISTRICTS = [ANDARAB, DEH_SALAH, PUL_E_HISAR] as const;

export function workedExample(prefix: string): {
  r1: Json;
  r2: Json;
  r3: Json;
  r4: (corroborated: string) => Json;
} {
  const source = (outlet: string) => ({
    outlet,
    url: `https://example.org/${outlet.toLowerCase().replace(/\W+/g, '-')}`,
    publishedAt: '2021-08-24T10:00:00Z',
    reliability: 'C',
  });

  const r1 = {
    reportId: `${prefix}-r1`,
    source: source('NRF statement'),
    claims: [
      {
        claimant: 'nrf',
        speaker: 'NRF spokesman',
        kind: 'control',
        actor: 'nrf',
        place: 'Deh Salah',
        province: 'Baghlan',
        observedAt: '2021-08-20T06:00:00Z',
        credibility: 3,
        quote: 'Our forces hold Deh Salah.',
      },
      {
        claimant: 'nrf',
        kind: 'control',
        actor: 'nrf',
        place: 'Puli Hisar',
        observedAt: '2021-08-20T06:00:00Z',
        credibility: 3,
      },
    ],
  };
  const r2 = {
    reportId: `${prefix}-r2`,
    source: source('Taliban spokesman on Twitter'),
    claims: [
      {
        claimant: 'taliban',
        kind: 'control',
        actor: 'taliban',
        place: BAGHLAN,
        observedAt: '2021-08-22T08:00:00Z',
        credibility: 4,
      },
    ],
  };
  const r3 = {
    reportId: `${prefix}-r3`,
    source: source('NRF statement'),
    claims: [
      {
        claimant: 'nrf',
        kind: 'dispute',
        observedAt: '2021-08-22T18:00:00Z',
        target: { claimant: 'taliban', place: BAGHLAN },
      },
    ],
  };
  const r4 = (corroborated: string) => ({
    reportId: `${prefix}-r4`,
    source: source('Local elders'),
    claims: [
      {
        claimant: 'local-elders',
        kind: 'corroborate',
        degree: 'full',
        observedAt: '2021-08-23T12:00:00Z',
        target: { claimId: corroborated },
      },
    ],
  });
  return { r1, r2, r3, r4 };
}
