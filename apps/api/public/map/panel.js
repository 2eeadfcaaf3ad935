/**
 * The district panel: status, controller and verification; each claimant's position with who
 * disputes and corroborates it (and what they said); where each claim comes from; the district's
 * history. Everything is read at the map's moment and axis.
 */
import { districtHistory, getJson } from './api.js';
import { controllerColour, STATUS_COLOURS } from './colours.js';
import { formatInstant, h, replaceChildren, safeLink } from './dom.js';

const swatch = (status, controller) =>
  h('span', {
    class: 'swatch',
    'data-colour':
      status === 'claimed' ? controllerColour(controller ?? '') : STATUS_COLOURS[status],
  });

function sourceLine(source = {}) {
  return h(
    'span',
    { class: 'source' },
    source.url ? safeLink(source.url, source.outlet ?? source.url) : (source.outlet ?? 'unknown'),
    source.reliability ? ` · reliability ${source.reliability}` : '',
    source.publishedAt ? ` · published ${formatInstant(source.publishedAt)}` : '',
  );
}

function provenanceItem(p) {
  return h(
    'li',
    { class: 'provenance' },
    h(
      'div',
      {},
      sourceLine(p.source),
      p.credibility !== undefined ? ` · credibility ${p.credibility}` : '',
    ),
    p.speaker ? h('div', { class: 'speaker' }, `Speaker: ${p.speaker}`) : null,
    p.quote ? h('blockquote', {}, p.quote) : null,
    h(
      'div',
      { class: 'muted' },
      `observed ${formatInstant(p.observedAt)} · recorded ${formatInstant(p.recordedAt)} · report ${p.reportId}`,
    ),
  );
}

/** What the disputes and corroborations of the run's claims say, and who says it (each once). */
async function evidenceList(claimIds, at, signal) {
  const claims = await Promise.all(
    claimIds
      .slice(0, 10)
      .map((id) => getJson(`/v1/claims/${encodeURIComponent(id)}`, at, signal).catch(() => null)),
  );
  const seen = new Set();
  const items = claims
    .flatMap((c) => (c ? [...c.evidence.disputes, ...c.evidence.corroborations] : []))
    .filter((e) => !seen.has(e.claimId) && seen.add(e.claimId));
  const details = await Promise.all(
    items.map((e) =>
      getJson(`/v1/claims/${encodeURIComponent(e.claimId)}`, at, signal).catch(() => null),
    ),
  );
  return items.map((e, i) => {
    const detail = details[i];
    const verb =
      e.kind === 'dispute' ? 'disputes' : `corroborates${e.degree ? ` (${e.degree})` : ''}`;
    return h(
      'li',
      { class: `evidence ${e.kind === 'dispute' ? 'dispute' : 'corroboration'}` },
      h('strong', {}, e.claimant),
      ` ${verb}${e.blanket ? ' (about the whole province)' : ''}, observed ${formatInstant(e.observedAt)}`,
      detail ? h('div', {}, sourceLine(detail.source)) : null,
      detail?.data?.quote ? h('blockquote', {}, detail.data.quote) : null,
    );
  });
}

function positionCard(position, evidence) {
  const what =
    position.kind === 'control'
      ? `says ${position.actor} controls it`
      : position.kind === 'presence'
        ? `says ${position.actor} is present`
        : 'says it is contested';
  return h(
    'article',
    { class: 'position', 'data-claimant': position.claimant },
    h('h4', {}, h('span', {}, position.claimant), ' ', h('span', { class: 'muted' }, what)),
    h(
      'div',
      { class: 'muted' },
      `since ${formatInstant(position.observedAt)} (${position.precision}) · ${position.claimIds.length} claim(s)`,
    ),
    position.disputedBy.length > 0
      ? h('div', { class: 'disputed' }, `Disputed by ${position.disputedBy.join(', ')}`)
      : null,
    position.corroboratedBy.length > 0
      ? h(
          'div',
          { class: 'corroborated' },
          `Corroborated by ${position.corroboratedBy.map((c) => `${c.claimant} (${c.degree})`).join(', ')}`,
        )
      : null,
    evidence.length > 0 ? h('ul', { class: 'evidence-list' }, evidence) : null,
    h('h5', {}, 'Provenance'),
    h('ul', {}, position.provenance.map(provenanceItem)),
  );
}

function historyList(changes) {
  if (changes.length === 0) return h('p', { class: 'muted' }, 'No change yet: unclaimed.');
  return h(
    'ol',
    { class: 'timeline' },
    changes.map((c) =>
      h(
        'li',
        { 'data-status': c.status },
        swatch(c.status, c.controller),
        h('time', { datetime: c.at }, formatInstant(c.at)),
        ' ',
        h('strong', {}, c.status),
        c.controller ? ` · ${c.controller}` : '',
        c.verification !== 'none' ? ` · ${c.verification}` : '',
        h(
          'div',
          { class: 'muted' },
          `${c.causedBy.claimant ?? '?'} (${(c.causedBy.type ?? '').replace(/^claim\./, '')}), report ${c.causedBy.reportId ?? '?'}`,
        ),
      ),
    ),
  );
}

/** Fill `container` with the panel of a district as of `at` ({asOf, axis}). */
export async function showDistrict(container, pcode, at, signal) {
  // A district already shown stays on screen until its new reading is ready.
  if (container.dataset.shown !== pcode) {
    replaceChildren(container, h('p', { class: 'muted' }, 'Loading…'));
  }
  const [district, changes] = await Promise.all([
    getJson(`/v1/districts/${encodeURIComponent(pcode)}`, at, signal),
    districtHistory(pcode, at, signal),
  ]);
  const evidence = await Promise.all(
    district.positions.map((p) => evidenceList(p.claimIds, at, signal).catch(() => [])),
  );
  if (signal?.aborted) return;
  replaceChildren(
    container,
    h('h2', {}, district.name, ' ', h('span', { class: 'muted' }, district.pcode)),
    h('div', { class: 'muted' }, `${district.province.name} province`),
    h(
      'dl',
      { class: 'status', 'data-status': district.status },
      h('dt', {}, 'Status'),
      h(
        'dd',
        { id: 'panel-status' },
        swatch(district.status, district.controller),
        district.status,
      ),
      h('dt', {}, 'Controller'),
      h('dd', { id: 'panel-controller' }, district.controller ?? '—'),
      h('dt', {}, 'Verification'),
      h('dd', {}, district.verification),
      h('dt', {}, 'As of'),
      h('dd', {}, `${formatInstant(district.asOf)} (${district.axis})`),
    ),
    h('h3', {}, 'Positions'),
    district.positions.length === 0
      ? h('p', { class: 'muted' }, 'Nobody claims anything here.')
      : null,
    district.positions.map((p, i) => positionCard(p, evidence[i] ?? [])),
    h('h3', {}, 'History'),
    historyList(changes),
  );
  for (const s of container.querySelectorAll('.swatch')) s.style.background = s.dataset.colour;
  container.dataset.shown = pcode;
  container.dataset.asOf = at.asOf ?? 'now';
}
