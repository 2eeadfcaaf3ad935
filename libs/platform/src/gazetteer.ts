import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Gazetteer } from '@sitrep/domain';
import { projectRoot } from './paths';

export const gazetteerDir = (): string => join(projectRoot(), 'data', 'gazetteer');

/** Rows of a simple CSV file (the gazetteer has no quoted fields) as objects keyed by header. */
export function readCsv(path: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.length > 0);
  const columns = (header ?? '').split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? '']));
  });
}

let cached: Gazetteer | undefined;

/** The gazetteer shipped in data/gazetteer, read once per process. */
export function loadGazetteer(dir: string = gazetteerDir()): Gazetteer {
  if (cached && dir === gazetteerDir()) return cached;
  const gazetteer = new Gazetteer(
    readCsv(join(dir, 'provinces.csv')).map((r) => ({
      pcode: r['pcode']!,
      name: r['name']!,
      nameDari: r['name_dari']!,
    })),
    readCsv(join(dir, 'districts.csv')).map((r) => ({
      pcode: r['pcode']!,
      province: r['province_pcode']!,
      name: r['name']!,
      nameDari: r['name_dari']!,
    })),
    readCsv(join(dir, 'aliases.csv')).map((r) => ({
      pcode: r['pcode']!,
      alias: r['alias']!,
      source: r['source']!,
    })),
  );
  if (dir === gazetteerDir()) cached = gazetteer;
  return gazetteer;
}
