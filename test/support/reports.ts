/** Report bodies the end-to-end specs post. */

/**
 * A report whose first claim is the Taliban's control of Rukha (AF0802) observed on 5 September
 * 2021 at 16:00 UTC; `claim` adds or replaces fields of that claim, `more` follows it.
 */
export function talibanControlReport(
  reportId: string,
  claim: object = {},
  more: readonly object[] = [],
) {
  return {
    reportId,
    source: { outlet: 'Wire', reliability: 'C' },
    claims: [
      {
        claimant: 'taliban',
        kind: 'control',
        actor: 'taliban',
        place: 'AF0802',
        observedAt: '2021-09-05T16:00:00Z',
        ...claim,
      },
      ...more,
    ],
  };
}
