/**
 * DOM building without HTML parsing: every text from the API goes in as a text node, never as
 * markup (no innerHTML with data anywhere in the page).
 */

/**
 * An element with attributes and children; strings become text nodes, null/false are skipped.
 * Attributes are set one by one (never event-handler attributes: listeners are added in code).
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (/^on/i.test(name)) throw new Error(`use addEventListener, not the ${name} attribute`);
    element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

export function append(element, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(typeof child === 'string' || typeof child === 'number' ? String(child) : child);
  }
  return element;
}

/** Replace an element's children. */
export function replaceChildren(element, ...children) {
  element.replaceChildren();
  return append(element, children);
}

/** A link only for http(s) URLs (a javascript: URL from a report is shown as text). */
export function safeLink(url, text) {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') {
      return h('a', { href: parsed.href, target: '_blank', rel: 'noopener noreferrer' }, text);
    }
  } catch {
    // not a URL: shown as text below
  }
  return h('span', {}, text);
}

/** 2021-09-05T18:00:00.000Z → "5 Sep 2021, 18:00 UTC". */
export function formatInstant(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  const months = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');
  const pad = (n) => String(n).padStart(2, '0');
  return (
    `${date.getUTCDate()} ${months[date.getUTCMonth()]} ${date.getUTCFullYear()}, ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())} UTC`
  );
}
