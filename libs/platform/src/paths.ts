import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The project's root folder (where package.json is), from source or from dist/. */
export function projectRoot(from: string = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'migrations'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the project root above ${from}`);
    dir = parent;
  }
  return dir;
}
