import { readFileSync } from 'node:fs';

/** Where a CPU profile says the server's time went: self time by package and the top functions. */
export interface ProfileSummary {
  scenario: string;
  totalMs: number;
  /** Self time by where the code lives: an npm package, the app's own modules, Node's internals, GC. */
  byOrigin: { origin: string; ms: number; share: number }[];
  topFunctions: { fn: string; origin: string; ms: number; share: number }[];
}

interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
}

function originOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] as string;
  if (url.startsWith('node:')) return 'node internals';
  const app = /\/(?:dist\/)?(src\/.*?)(?:\.js|\.ts)?$/.exec(url);
  if (app) return `app ${app[1]}`;
  return url.replace(/^file:\/\//, '');
}

export function summarizeProfile(path: string, scenario: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const byOrigin = new Map<string, number>();
  const byFunction = new Map<string, { fn: string; origin: string; ms: number }>();
  let total = 0;
  for (const node of profile.nodes) {
    const ms = self.get(node.id) ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)' || ms === 0) continue;
    total += ms;
    const origin = originOf(url, functionName);
    byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + ms);
    const file = url ? url.split('/').slice(-1)[0] : '';
    const fn = `${functionName || '(anonymous)'}${file ? ` ${file}:${lineNumber + 1}` : ''}`;
    const entry = byFunction.get(fn) ?? { fn, origin, ms: 0 };
    entry.ms += ms;
    byFunction.set(fn, entry);
  }
  const share = (ms: number) => (total > 0 ? ms / total : 0);
  return {
    scenario,
    totalMs: total,
    byOrigin: [...byOrigin.entries()]
      .map(([origin, ms]) => ({ origin, ms, share: share(ms) }))
      .sort((a, b) => b.ms - a.ms),
    topFunctions: [...byFunction.values()]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top)
      .map((f) => ({ ...f, share: share(f.ms) })),
  };
}

export function formatProfile(p: ProfileSummary, lines = 12): string {
  const pct = (x: number) => `${(x * 100).toFixed(1).padStart(5)}%`;
  const out = [
    `  profile of ${p.scenario} (${(p.totalMs / 1000).toFixed(1)} s of CPU, self time, idle excluded):`,
  ];
  out.push('    by origin:');
  for (const o of p.byOrigin.slice(0, lines)) out.push(`      ${pct(o.share)}  ${o.origin}`);
  out.push('    top functions:');
  for (const f of p.topFunctions.slice(0, lines + 6))
    out.push(`      ${pct(f.share)}  ${f.fn}  [${f.origin}]`);
  return out.join('\n');
}
