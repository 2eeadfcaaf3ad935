/**
 * The map's colours: a district's fill says its status, and for a claimed district who controls
 * it; its opacity says how well the controller's claim is corroborated.
 */

export const STATUS_COLOURS = {
  unclaimed: '#e4e4e0',
  contested: '#e8a33d',
};

/** Actors seen in the demo get fixed colours; any other actor one of the palette, by name. */
const KNOWN = { taliban: '#3f6fb5', nrf: '#2e8b57', government: '#8e44ad' };
const PALETTE = ['#c0392b', '#16a085', '#7f8c8d', '#d35400', '#2c3e50', '#b8860b', '#6c5ce7'];

export function controllerColour(actor) {
  if (Object.hasOwn(KNOWN, actor)) return KNOWN[actor];
  let hash = 0;
  for (const ch of String(actor)) hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
  return PALETTE[hash % PALETTE.length];
}

/** Fill opacity of a claimed district by verification of its controller's claim. */
const OPACITY = { corroborated: 0.95, partial: 0.8, none: 0.6 };

export function districtStyle(summary) {
  const base = { weight: 0.6, color: '#555', opacity: 0.9, dashArray: null };
  if (!summary || summary.status === 'unclaimed') {
    return { ...base, fillColor: STATUS_COLOURS.unclaimed, fillOpacity: 0.7 };
  }
  if (summary.status === 'contested') {
    return {
      ...base,
      fillColor: STATUS_COLOURS.contested,
      fillOpacity: 0.85,
      color: '#8a4b00',
      weight: 1.2,
      dashArray: '3 2',
    };
  }
  return {
    ...base,
    fillColor: controllerColour(summary.controller ?? ''),
    fillOpacity: OPACITY[summary.verification] ?? OPACITY.none,
  };
}
