import { table } from '@sitrep/platform';
import { DEMO_EVENING, DEMO_REPORTS } from './demo-scenario';

interface DistrictRow {
  pcode: string;
  name: string;
  status: string;
  controller: string | null;
  verification: string;
}
interface DistrictDetail extends DistrictRow {
  positions: { claimant: string; kind: string; actor: string | null; disputedBy: string[] }[];
}

async function call<T>(
  base: string,
  key: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: T }> {
  const response = await fetch(`${base}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${key}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as T };
}

async function waitForProjection(base: string, key: string): Promise<void> {
  for (let i = 0; i < 120; i++) {
    // The lag is a detail of readiness that only an admin key sees.
    const ready = (await fetch(`${base}/health/ready`, {
      headers: { authorization: `Bearer ${key}` },
    }).then((r) => r.json())) as {
      projector?: { lag?: number | null };
    };
    if (ready.projector?.lag === 0) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('the projector did not catch up within 30 s; look at its log');
}

async function districtTable(base: string, key: string, query = ''): Promise<string> {
  const list = await call<{ items: DistrictRow[] }>(
    base,
    key,
    `/v1/districts?province=AF08${query}`,
  );
  const rows = await Promise.all(
    list.json.items.map(async (d) => {
      const detail = (
        await call<DistrictDetail>(
          base,
          key,
          `/v1/districts/${d.pcode}${query ? `?${query.slice(1)}` : ''}`,
        )
      ).json;
      const disputes = [...new Set(detail.positions.flatMap((p) => p.disputedBy))];
      const claims = detail.positions.map(
        (p) =>
          `${p.claimant}: ${p.kind}${p.actor && p.actor !== p.claimant ? ` by ${p.actor}` : ''}`,
      );
      return [
        d.pcode,
        d.name,
        d.status,
        d.controller ?? '-',
        d.verification,
        disputes.join(', ') || '-',
        claims.join('; ') || '-',
      ];
    }),
  );
  return table(
    ['p-code', 'district', 'status', 'controller', 'verification', 'disputed by', 'positions'],
    rows,
  );
}

/** Submit the scenario to a running API, then print the Panjshir districts and the province summary. */
export async function runDemo(): Promise<void> {
  const base = process.env['SITREP_URL'] ?? `http://127.0.0.1:${process.env['PORT'] ?? '3000'}`;
  const key = process.env['SITREP_BOOTSTRAP_KEY'];
  if (!key) throw new Error('set SITREP_BOOTSTRAP_KEY to the admin key the API was started with');

  console.log(
    `Submitting ${DEMO_REPORTS.length} reports about the Panjshir valley, 5-6 September 2021:`,
  );
  const tokens: string[] = [];
  for (const report of DEMO_REPORTS) {
    const { status, json } = await call<{
      claims?: { kind: string; place: { name: string; input: string; resolution: string } }[];
      consistencyToken?: string;
      detail?: string;
    }>(base, key, '/v1/reports', report);
    if (json.consistencyToken) tokens.push(json.consistencyToken);
    if (status !== 201 && status !== 200)
      throw new Error(`report ${report.reportId} was refused (${status}): ${json.detail}`);
    const places = (json.claims ?? []).map(
      (c) =>
        `${c.kind} ${c.place.name}${c.place.input !== c.place.name ? ` ("${c.place.input}", ${c.place.resolution})` : ''}`,
    );
    console.log(
      `  ${status === 201 ? 'accepted ' : 'unchanged'} ${report.reportId}: ${places.join('; ')}`,
    );
  }
  await waitForProjection(base, key);
  // Read your own writes: a read with `after` waits until each report is applied, its late
  // claims' observed timelines included (the evening of 5 September below reads them).
  for (const token of tokens) {
    const { status } = await call(base, key, `/v1/provinces/AF08?after=${token}`);
    if (status !== 200) throw new Error(`the projector has not applied the reports (${status})`);
  }

  console.log(`\nPanjshir (AF08) as the system sees it now:\n`);
  console.log(await districtTable(base, key));
  const province = await call<{
    byStatus: Record<string, number>;
    byController: Record<string, number>;
    districts: number;
  }>(base, key, '/v1/provinces/AF08');
  const { byStatus, byController } = province.json;
  console.log(
    `\nProvince summary: ${province.json.districts} districts; claimed ${byStatus['claimed']}, contested ${byStatus['contested']}, unclaimed ${byStatus['unclaimed']}` +
      `; claimed by controller: ${
        Object.entries(byController)
          .map(([a, n]) => `${a} ${n}`)
          .join(', ') || 'none'
      }`,
  );
  console.log(
    `\nThe same districts as things stood on the evening of 5 September (asOf=${DEMO_EVENING}, axis=observed):\n`,
  );
  console.log(await districtTable(base, key, `&asOf=${DEMO_EVENING}&axis=observed`));
  console.log(`\nExplore further:
  map       ${base}/map/   (open it in a browser and paste the key below when it asks)
  API       ${base}   (docs: ${base}/docs)
  key       ${key}   (admin; send as "Authorization: Bearer <key>")
  try       curl -s -H "Authorization: Bearer ${key}" ${base}/v1/districts/AF0805`);
}
