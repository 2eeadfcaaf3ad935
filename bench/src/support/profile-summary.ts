/**
 * Where a CPU profile's time goes (a .cpuprofile of node:inspector or `node --cpu-prof`): self
 * time by package (our own code by file) and the hottest functions, as shares of the busy time.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
  };
  readonly children?: readonly number[];
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileSummary {
  /** Sampled wall time (ms), idle included. */
  readonly totalMs: number;
  /** Time the thread was not idle (ms). */
  readonly busyMs: number;
  readonly byPackage: readonly { readonly name: string; readonly ms: number }[];
  readonly byFunction: readonly { readonly name: string; readonly ms: number }[];
}

/** The package or source file a frame belongs to. */
function ownerOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return 'node (core)';
  const ours = /\/(apps|libs|bench)\/(.*)$/.exec(url);
  return ours ? `${ours[1]}/${ours[2]!.replace(/^(.*\/)?src\//, '$1').replace(/\.js$/, '')}` : url;
}

export function summariseProfile(file: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const packages = new Map<string, number>();
  const functions = new Map<string, number>();
  let totalMs = 0;
  let idleMs = 0;
  for (const [id, ms] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    totalMs += ms;
    if (functionName === '(idle)') {
      idleMs += ms;
      continue;
    }
    const owner = ownerOf(url, functionName);
    packages.set(owner, (packages.get(owner) ?? 0) + ms);
    const name = `${functionName || '(anonymous)'} ${owner}${url ? `:${lineNumber + 1}` : ''}`;
    functions.set(name, (functions.get(name) ?? 0) + ms);
  }
  const sorted = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => ({ name, ms }));
  return {
    totalMs,
    busyMs: totalMs - idleMs,
    byPackage: sorted(packages),
    byFunction: sorted(functions),
  };
}
