/**
 * The analyst's map: every district of Afghanistan coloured by its claimed status as of a moment
 * on an axis, a panel per district, and live recolouring while the slider is at "now".
 */
import {
  ApiError,
  authHeaders,
  forgetKey,
  getJson,
  listDistricts,
  storedKey,
  storeKey,
} from './api.js';
import { controllerColour, districtStyle, STATUS_COLOURS } from './colours.js';
import { formatInstant, h, replaceChildren } from './dom.js';
import { showDistrict } from './panel.js';
import { followDistricts } from './stream.js';

const $ = (id) => document.getElementById(id);
const MINUTE = 60_000;

const state = {
  axis: 'observed',
  province: '',
  /** Slider value (minutes since the epoch); at slider max the map is live ("now"). */
  atNow: true,
  asOf: undefined,
  span: null,
  summaries: new Map(),
  layers: new Map(),
  selected: null,
  refreshing: null,
  panelAbort: null,
  stopFollowing: () => undefined,
};

const at = () => ({ asOf: state.atNow ? undefined : state.asOf, axis: state.axis });

// ---- the key -------------------------------------------------------------------------------

function askForKey(message) {
  const dialog = $('key-dialog');
  $('key-error').textContent = message ?? '';
  dialog.hidden = false;
  $('key-input').focus();
}

async function onKeySubmitted(event) {
  event.preventDefault();
  const key = $('key-input').value.trim();
  if (!key) return;
  storeKey(key);
  $('key-input').value = '';
  try {
    await start();
    $('key-dialog').hidden = true;
  } catch (error) {
    forgetKey();
    askForKey(error instanceof ApiError ? error.message : String(error));
  }
}

// ---- drawing -------------------------------------------------------------------------------

let map;

async function drawBoundaries() {
  const [districts, provinces] = await Promise.all([
    fetch('/map/gazetteer/districts.geojson').then((r) => r.json()),
    fetch('/map/gazetteer/provinces.geojson').then((r) => r.json()),
  ]);
  map = L.map('map', {
    zoomSnap: 0.25,
    renderer: L.svg({ padding: 0.5 }),
    attributionControl: true,
  });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution('Boundaries: OCHA COD / AGCHO');
  const layer = L.geoJSON(districts, {
    style: () => districtStyle(undefined),
    onEachFeature: (feature, districtLayer) => {
      const { pcode, name } = feature.properties;
      state.layers.set(pcode, districtLayer);
      districtLayer.feature.properties.province = feature.properties.province;
      districtLayer.bindTooltip(() => h('span', {}, `${name} (${pcode})`), { sticky: true });
      districtLayer.on('click', () => selectDistrict(pcode));
    },
  });
  // Paths exist once the map has a view: set it, then add the districts.
  map.fitBounds(layer.getBounds());
  layer.addTo(map);
  for (const [pcode, districtLayer] of state.layers) {
    const path = districtLayer.getElement();
    path.setAttribute('data-pcode', pcode);
    path.classList.add('district');
  }
  L.geoJSON(provinces, {
    style: () => ({ weight: 1.2, color: '#444', fill: false, opacity: 0.6 }),
    interactive: false,
  }).addTo(map);
  state.bounds = layer.getBounds();

  const select = $('province');
  const sorted = [...provinces.features].sort((a, b) =>
    a.properties.name.localeCompare(b.properties.name),
  );
  for (const f of sorted) {
    select.append(h('option', { value: f.properties.pcode }, f.properties.name));
  }
}

function paint(pcode) {
  const layer = state.layers.get(pcode);
  if (!layer) return;
  const inScope = !state.province || layer.feature.properties.province === state.province;
  const summary = state.summaries.get(pcode);
  const style = inScope
    ? districtStyle(summary)
    : { ...districtStyle(undefined), fillOpacity: 0.15, opacity: 0.3 };
  layer.setStyle(style);
  const path = layer.getElement();
  path.setAttribute('data-status', inScope ? (summary?.status ?? 'unclaimed') : 'out-of-scope');
  path.setAttribute('data-controller', summary?.controller ?? '');
}

function drawLegend() {
  const controllers = [
    ...new Set(
      [...state.summaries.values()]
        .filter((s) => s.status === 'claimed' && s.controller)
        .map((s) => s.controller),
    ),
  ].sort();
  const entry = (colour, label, extra) => {
    const sw = h('span', { class: `swatch ${extra ?? ''}` });
    sw.style.background = colour;
    return h('li', {}, sw, label);
  };
  replaceChildren(
    $('legend-items'),
    entry(STATUS_COLOURS.unclaimed, 'unclaimed: nobody claims it'),
    entry(STATUS_COLOURS.contested, 'contested: claimants disagree', 'dashed'),
    controllers.length === 0
      ? h('li', { class: 'muted' }, 'claimed: coloured by controller (none now)')
      : controllers.map((c) => entry(controllerColour(c), `claimed, controlled by ${c}`)),
    h(
      'li',
      { class: 'muted' },
      'deeper colour: better corroborated (corroborated › partial › none)',
    ),
  );
  const counts = { claimed: 0, contested: 0, unclaimed: 0 };
  for (const s of state.summaries.values()) counts[s.status] = (counts[s.status] ?? 0) + 1;
  $('counts').textContent =
    `${counts.claimed} claimed · ${counts.contested} contested · ${counts.unclaimed} unclaimed`;
}

// ---- reading the statuses --------------------------------------------------------------------

/** Read and paint the statuses at the map's moment; true when any district changed. */
async function refresh() {
  let changed = false;
  state.refreshing?.abort();
  const controller = new AbortController();
  state.refreshing = controller;
  document.body.dataset.loading = 'true';
  try {
    const moment = at();
    const items = await listDistricts({ ...moment, province: state.province }, controller.signal);
    if (controller.signal.aborted) return;
    const previous = state.summaries;
    state.summaries = new Map(items.map((s) => [s.pcode, s]));
    for (const pcode of state.layers.keys()) paint(pcode);
    changed =
      previous.size !== state.summaries.size ||
      items.some((s) => JSON.stringify(previous.get(s.pcode)) !== JSON.stringify(s));
    drawLegend();
    // What the map shows: the moment and axis this read was made for.
    $('map').dataset.asOf = moment.asOf ?? 'now';
    $('map').dataset.axis = moment.axis;
    $('error').textContent = '';
    // The open panel is read again when the moment moved or its district changed (not per poll).
    const shown = `${moment.asOf ?? 'now'} ${moment.axis}`;
    const key = (m, pcode) => JSON.stringify(m.get(pcode) ?? null);
    if (
      state.selected &&
      (state.panelMoment !== shown ||
        key(previous, state.selected) !== key(state.summaries, state.selected))
    ) {
      void openPanel(state.selected);
    }
  } catch (error) {
    if (controller.signal.aborted) return;
    if (error instanceof ApiError && error.status === 401) return askForKey(error.message);
    $('error').textContent = `Could not read the districts: ${error.message}`;
  } finally {
    if (state.refreshing === controller) {
      state.refreshing = null;
      document.body.dataset.loading = 'false';
    }
  }
  return changed;
}

// ---- the time slider -----------------------------------------------------------------------

function setSliderRange() {
  const span = state.span?.[state.axis];
  const now = Date.parse(state.span?.now ?? new Date().toISOString());
  const from = span ? Date.parse(span.from) : now;
  const to = span ? Date.parse(span.to) : now;
  const slider = $('moment');
  // An hour before the first change (all unclaimed) to the last change, then "now".
  slider.min = String(Math.floor(from / MINUTE) - 60);
  slider.max = String(Math.ceil(to / MINUTE) + 1);
  if (state.atNow) slider.value = slider.max;
  else
    slider.value = String(
      Math.min(Math.max(Date.parse(state.asOf) / MINUTE, Number(slider.min)), Number(slider.max)),
    );
  $('span-from').textContent = formatInstant(new Date(from).toISOString());
  $('span-to').textContent = formatInstant(new Date(to).toISOString());
  onSliderMoved(false);
}

let sliderTimer;
function onSliderMoved(reload = true) {
  const slider = $('moment');
  state.atNow = Number(slider.value) >= Number(slider.max);
  state.asOf = new Date(Number(slider.value) * MINUTE).toISOString();
  $('moment-label').textContent = state.atNow ? 'now (live)' : formatInstant(state.asOf);
  $('live').hidden = !state.atNow;
  if (!reload) return;
  clearTimeout(sliderTimer);
  sliderTimer = setTimeout(refresh, 120);
}

async function loadSpan() {
  state.span = await getJson('/v1/timespan');
  setSliderRange();
}

// ---- the panel -----------------------------------------------------------------------------

function selectDistrict(pcode) {
  state.selected = pcode;
  $('panel').hidden = false;
  void openPanel(pcode);
}

async function openPanel(pcode) {
  state.panelAbort?.abort();
  const controller = new AbortController();
  state.panelAbort = controller;
  const body = $('panel-body');
  const moment = at();
  state.panelMoment = `${moment.asOf ?? 'now'} ${moment.axis}`;
  body.dataset.pcode = pcode;
  try {
    await showDistrict(body, pcode, moment, controller.signal);
  } catch (error) {
    if (!controller.signal.aborted) {
      replaceChildren(
        body,
        h('p', { class: 'error' }, `Could not read ${pcode}: ${error.message}`),
      );
    }
  }
}

// ---- live updates --------------------------------------------------------------------------

let spanTimer;
function follow() {
  state.stopFollowing();
  state.stopFollowing = followDistricts({
    province: state.province,
    headers: authHeaders,
    onMode: (mode) => {
      $('live').textContent =
        {
          live: '● live',
          polling: '● live (polling)',
          reconnecting: '○ reconnecting…',
          unauthorised: '× key refused',
        }[mode] ?? mode;
      $('live').dataset.mode = mode;
    },
    onDocument: (message) => {
      if (!state.atNow || !message?.document) return;
      const d = message.document;
      if (state.province && d.province?.pcode !== state.province) return;
      state.summaries.set(d.pcode, {
        pcode: d.pcode,
        name: d.name,
        province: d.province?.pcode,
        status: d.status,
        controller: d.controller,
        verification: d.verification,
      });
      paint(d.pcode);
      drawLegend();
      if (state.selected === d.pcode) void openPanel(d.pcode);
      clearTimeout(spanTimer);
      spanTimer = setTimeout(() => void loadSpan().catch(() => undefined), 2000);
    },
    poll: async () => {
      if (!state.atNow || document.hidden) return;
      // The slider's range is read again only when something changed.
      if (!(await refresh())) return;
      state.span = await getJson('/v1/timespan');
      if (state.atNow) setSliderRange();
    },
  });
}

// ---- start ---------------------------------------------------------------------------------

let boundaries;
async function start() {
  await getJson('/v1/timespan').then((span) => (state.span = span));
  boundaries ??= drawBoundaries();
  await boundaries;
  setSliderRange();
  await refresh();
  follow();
}

function wire() {
  $('key-form').addEventListener('submit', onKeySubmitted);
  $('moment').addEventListener('input', () => onSliderMoved());
  $('now').addEventListener('click', () => {
    $('moment').value = $('moment').max;
    onSliderMoved();
  });
  $('axis').addEventListener('change', () => {
    state.axis = $('axis').value;
    setSliderRange();
    void refresh();
  });
  $('province').addEventListener('change', () => {
    state.province = $('province').value;
    const bounds = state.province
      ? L.latLngBounds(
          [...state.layers.values()]
            .filter((l) => l.feature.properties.province === state.province)
            .map((l) => l.getBounds()),
        )
      : state.bounds;
    // Leave room for the panel on the right.
    map.fitBounds(bounds, { maxZoom: 9, paddingTopLeft: [20, 20], paddingBottomRight: [420, 20] });
    void refresh();
    follow();
  });
  $('close-panel').addEventListener('click', () => {
    state.selected = null;
    state.panelAbort?.abort();
    $('panel').hidden = true;
  });
  $('change-key').addEventListener('click', () => {
    forgetKey();
    state.stopFollowing();
    askForKey();
  });
}

wire();
if (storedKey()) {
  start().catch((error) => {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
      forgetKey();
      askForKey(error.message);
    } else $('error').textContent = String(error.message ?? error);
  });
} else askForKey();
