/**
 * The read API as the page calls it: the key the analyst pasted (kept in sessionStorage for this
 * tab only; the page never holds one of its own), JSON with problem+json errors, keyset paging.
 */

const KEY_ITEM = 'sitrep.apiKey';

export const storedKey = () => sessionStorage.getItem(KEY_ITEM);
export const storeKey = (key) => sessionStorage.setItem(KEY_ITEM, key);
export const forgetKey = () => sessionStorage.removeItem(KEY_ITEM);

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

export const authHeaders = () => ({ authorization: `Bearer ${storedKey() ?? ''}` });

/** GET a path of the API with the stored key; the parsed body, or an ApiError. */
export async function getJson(path, params = {}, signal) {
  const url = new URL(path, window.location.origin);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(name, value);
  }
  const response = await fetch(url, { headers: authHeaders(), signal });
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

/** Every district of the list endpoint at a moment, following nextCursor page by page. */
export async function listDistricts({ asOf, axis, province }, signal) {
  const items = [];
  let cursor;
  do {
    const page = await getJson(
      '/v1/districts',
      { asOf, axis, province, limit: 200, cursor },
      signal,
    );
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

/** Every change of a district's history up to a moment, oldest first. */
export async function districtHistory(pcode, { asOf, axis }, signal) {
  const changes = [];
  let cursor;
  do {
    const page = await getJson(
      `/v1/districts/${encodeURIComponent(pcode)}/history`,
      { asOf, axis, limit: 200, cursor },
      signal,
    );
    changes.push(...page.changes);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && changes.length < 1000);
  return changes;
}
