/**
 * The analyst's map in a real browser (Debian's Chromium through playwright-core) against a real
 * stack: the demo's Panjshir reports, the map as of now and as of the evening of 5 September, the
 * district panel, and a report posted while the page is open recolouring a district without a
 * reload (through the stream where the API has one, else by polling the list endpoint).
 *
 * MAP_SCREENSHOT=docs/map.png also saves the screenshot the README shows.
 */
import { Browser, chromium, Page } from 'playwright-core';
import { DEMO_EVENING, DEMO_REPORTS } from '../apps/cli/src/commands/demo-scenario';
import { startStack, Stack } from './support/stack';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const CHROMIUM = process.env['CHROMIUM_PATH'] || '/usr/bin/chromium';
const RUKHA = 'AF0802';
const district = (pcode: string) => `path[data-pcode="${pcode}"]`;
/**
 * The evening of 5 September, between the Taliban's claim to Rukha and the NRF's denial (their
 * observed instants in the demo's scenario): Rukha was claimed by the Taliban, not yet contested.
 */
const TALIBAN_CLAIM = Date.parse(DEMO_REPORTS[0].claims[0].observedAt);
const NRF_DENIAL = Date.parse(DEMO_REPORTS[1].claims[0].observedAt);
const EVENING = new Date(Math.round((TALIBAN_CLAIM + NRF_DENIAL) / 2 / 60_000) * 60_000);

describe('the map page', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const offsite: string[] = [];

  beforeAll(async () => {
    stack = await startStack();
    for (const report of DEMO_REPORTS) {
      const response = await stack.post('/v1/reports', report);
      expect(response.status).toBe(201);
    }
    await stack.waitForProjection();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // Until the API has GET /v1/stream, the page's 404 there is its cue to poll instead.
    const expected = (url: string, status?: number) =>
      new URL(url).pathname === '/v1/stream' && (status === undefined || status === 404);
    page.on('console', (m) => {
      if (m.type() === 'error' && !expected(m.location().url)) pageErrors.push(m.text());
    });
    page.on('response', (r) => {
      if (r.status() >= 400 && !expected(r.url(), r.status()))
        pageErrors.push(`${r.status()} ${r.url()}`);
    });
    page.on('request', (r) => {
      if (!r.url().startsWith(stack.baseUrl) && !r.url().startsWith('data:')) offsite.push(r.url());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  const fillOf = (pcode: string) => page.locator(district(pcode)).getAttribute('fill');

  it('GET / redirects to the map, which holds no key of its own', async () => {
    const root = await fetch(`${stack.baseUrl}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/map/');
    for (const file of ['index.html', 'app.js', 'api.js', 'panel.js', 'stream.js']) {
      const served = await stack.get(`/map/${file}`, { key: null });
      expect(served.status).toBe(200);
      expect(served.text).not.toContain(stack.adminKey);
    }
    // The slider's range: the first and last change of a status on each axis.
    const span = await stack.get('/v1/timespan');
    expect(span.status).toBe(200);
    expect(span.body.observed).toEqual({
      from: '2021-09-05T18:00:00.000Z',
      to: '2021-09-06T10:00:00.000Z',
    });
    expect(Date.parse(span.body.recorded.to)).toBeGreaterThan(Date.parse(span.body.observed.to));
    expect((await stack.get('/v1/timespan', { key: null })).status).toBe(401);
    const html = await stack.get('/map/', { key: null });
    expect(html.headers.get('content-security-policy')).toContain("script-src 'self'");
    // Only the two boundary files of the gazetteer are served, and only Leaflet's files.
    expect((await stack.get('/map/gazetteer/districts.csv', { key: null })).status).toBe(404);
    expect((await stack.get('/map/vendor/leaflet/leaflet-src.js', { key: null })).status).toBe(404);
  });

  it('asks for a key, then draws every district with Rukha contested', async () => {
    await page.goto(`${stack.baseUrl}/`);
    expect(new URL(page.url()).pathname).toBe('/map/');
    await page.locator('#key-dialog').waitFor({ state: 'visible' });
    await page.fill('#key-input', stack.adminKey);
    await page.click('#key-form button[type=submit]');
    await page.locator('#key-dialog').waitFor({ state: 'hidden' });
    await page.locator(`${district(RUKHA)}[data-status="contested"]`).waitFor();
    expect(await page.locator('path[data-pcode]').count()).toBe(399);
    expect(await page.locator('path[data-status="unclaimed"]').count()).toBeGreaterThan(380);
    expect(await page.evaluate('sessionStorage.getItem("sitrep.apiKey")')).toBe(stack.adminKey);
    expect(await fillOf(RUKHA)).toBe('#e8a33d');
    await expect(page.locator('#legend-items').textContent()).resolves.toContain('contested');
  });

  it('moved to the evening of 5 September (observed), Rukha changes colour: claimed by the Taliban', async () => {
    const now = await fillOf(RUKHA);
    await page.selectOption('#axis', 'observed');
    expect(EVENING.toISOString()).toBe('2021-09-05T19:00:00.000Z');
    await page.locator('#moment').fill(String(EVENING.getTime() / 60_000));
    await page.locator(`#map[data-as-of="${EVENING.toISOString()}"]`).waitFor();
    const rukha = page.locator(district(RUKHA));
    expect(await rukha.getAttribute('data-status')).toBe('claimed');
    expect(await rukha.getAttribute('data-controller')).toBe('taliban');
    expect(await fillOf(RUKHA)).not.toBe(now);
    expect(await page.textContent('#moment-label')).toContain('5 Sep 2021, 19:00 UTC');
  });

  it('a click on Rukha opens its panel with the NRF dispute and the provenance', async () => {
    await page.selectOption('#province', 'AF08');
    await page.click('#now');
    await page.locator('#map[data-as-of="now"]').waitFor();
    await page.locator(district(RUKHA)).click();
    const panel = page.locator('#panel-body[data-shown="AF0802"][data-as-of="now"]');
    await panel.locator('.position[data-claimant="nrf"]').waitFor();
    const text = (await panel.textContent()) ?? '';
    expect(text).toContain('Rukha');
    expect(text).toContain('Disputed by nrf');
    expect(text).toContain('The reports of Rukha falling are untrue.');
    expect(text).toContain('Twitter (Taliban spokesman)');
    expect(text).toContain('reliability F');
    expect(text).toContain('Bilal Karimi');
    expect(text).toContain('Police headquarters and the district centre are in our hands.');
    expect(await panel.locator('.timeline li').count()).toBeGreaterThanOrEqual(1);
    expect(await panel.locator('#panel-status').textContent()).toBe('contested');
    if (process.env['MAP_SCREENSHOT']) {
      // The README's picture: late on 5 September, Rukha contested, Khinj and Anaba claimed.
      await page.locator('#moment').fill(String(Date.parse(DEMO_EVENING) / 60_000));
      await page.locator(`#map[data-as-of="${new Date(DEMO_EVENING).toISOString()}"]`).waitFor();
      await page
        .locator(`#panel-body[data-as-of="${new Date(DEMO_EVENING).toISOString()}"]`)
        .waitFor();
      await page.screenshot({ path: process.env['MAP_SCREENSHOT'] });
    }
  });

  it('a report posted while the page is open recolours a district without a reload', async () => {
    await page.click('#close-panel');
    await page.selectOption('#province', '');
    await page.click('#now');
    await page.locator('#map[data-as-of="now"]').waitFor();
    await page.locator('#live[data-mode="live"], #live[data-mode="polling"]').waitFor();
    await page.evaluate('window.marker = 1');
    expect(await page.locator(district('AF0101')).getAttribute('data-status')).toBe('unclaimed');
    const before = await fillOf('AF0101');
    const posted = await stack.post('/v1/reports', {
      reportId: 'map-test-kabul',
      source: { outlet: 'Test wire', reliability: 'C' },
      claims: [
        {
          claimant: 'taliban',
          kind: 'control',
          actor: 'taliban',
          place: 'AF0101',
          observedAt: '2021-08-15T12:00:00Z',
        },
      ],
    });
    expect(posted.status).toBe(201);
    await page
      .locator(`${district('AF0101')}[data-status="claimed"][data-controller="taliban"]`)
      .waitFor({ timeout: 30_000 });
    expect(await fillOf('AF0101')).not.toBe(before);
    expect(await page.evaluate('window.marker')).toBe(1);
  });

  it('applies a district event of the stream (the contract of GET /v1/stream) and resumes from its id', async () => {
    // The stream is played by the browser's network layer here, so that the page's SSE client is
    // tested on this branch too: one event, then the stream ends and the page must come back
    // with the last id it saw.
    const live = await browser.newPage();
    const requests: { url: URL; headers: Record<string, string> }[] = [];
    const kabul = (await stack.get('/v1/districts/AF0301')).body;
    const event = {
      position: '2-17',
      district: 'AF0301',
      province: 'AF03',
      document: { ...kabul, status: 'claimed', controller: 'stream-test-actor' },
    };
    await live.route('**/v1/stream**', async (route) => {
      requests.push({ url: new URL(route.request().url()), headers: route.request().headers() });
      if (requests.length > 1) return route.fulfill({ status: 404, body: '' });
      return route.fulfill({
        status: 200,
        headers: { 'content-type': 'text/event-stream' },
        body: `: heartbeat\r\n\nid: 2-17\nevent: district\ndata: ${JSON.stringify(event)}\n\n`,
      });
    });
    await live.addInitScript(`
      sessionStorage.setItem('sitrep.apiKey', ${JSON.stringify(stack.adminKey)});
      // Every colouring of a district (the fallback poll after the stream ends repaints it).
      window.seen = [];
      document.addEventListener('DOMContentLoaded', () =>
        new MutationObserver((changes) => {
          for (const c of changes) window.seen.push(c.target.dataset.pcode + ':' + c.target.dataset.controller);
        }).observe(document.getElementById('map'), { subtree: true, attributeFilter: ['data-controller'] }));
    `);
    await live.goto(`${stack.baseUrl}/map/`);
    await live.waitForFunction(() =>
      (globalThis as unknown as { seen: string[] }).seen.includes('AF0301:stream-test-actor'),
    );
    for (let i = 0; i < 100 && requests.length < 2; i++) await sleep(100);
    // The parser on its own: chunks cut anywhere, CRLF, comments, multi-line data, ids kept.
    const parsed = await live.evaluate(`(async () => {
      const { sseParser } = await import('/map/stream.js');
      const got = [];
      const feed = sseParser((e) => got.push(e));
      for (const chunk of [': hi\\r', '\\nid: 1\\r\\nevent: district\\r\\ndata: {"a":', '1}\\r\\n\\r',
        '\\ndata: x\\ndata:  y\\n\\n', 'id: 2\\n\\n', 'event: district\\ndata\\n\\n']) feed(chunk);
      return got;
    })()`);
    expect(parsed).toEqual([
      { event: 'district', data: '{"a":1}', id: '1' },
      { event: 'message', data: 'x\n y', id: '1' },
      { event: 'district', data: '', id: '2' },
    ]);
    expect(requests[0]!.headers['authorization']).toBe(`Bearer ${stack.adminKey}`);
    expect(requests[1]!.headers['last-event-id']).toBe('2-17');
    expect(requests[1]!.url.searchParams.get('lastEventId')).toBe('2-17');
    await live.close();
  });

  it('loads nothing from elsewhere and raises no error', () => {
    expect(offsite).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
