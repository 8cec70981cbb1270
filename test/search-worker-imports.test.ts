import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The search workers are kept lean: each loaded Drizzle, the schema and zod when it imported the service's
// modules, some 7 MB of memory apiece. This walks what the worker module imports at run time (tsconfig has
// verbatimModuleSyntax: only `import type` and `export type` leave no import behind) and checks the packages.

const root = resolve(import.meta.dirname, '..');
const entry = join(root, 'src/modules/search/search.worker.ts');

const IMPORT = /(?:^|\n)\s*import\s+(type\s+)?[\w*{}\s,$]+?\s+from\s+['"]([^'"]+)['"]/g;
const EXPORT_FROM =
  /(?:^|\n)\s*export\s+(type\s+)?(?:\*(?:\s+as\s+\w+)?|\{[^}]*\})\s+from\s+['"]([^'"]+)['"]/g;
const BARE_IMPORT = /(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g;

/** The specifiers a module's text imports at run time. */
function importsIn(text: string): string[] {
  const found: string[] = [];
  for (const pattern of [IMPORT, EXPORT_FROM]) {
    for (const m of text.matchAll(pattern)) if (!m[1]) found.push(m[2] as string);
  }
  for (const m of text.matchAll(BARE_IMPORT)) found.push(m[1] as string);
  return found;
}

function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  expect(text, `${relative(root, file)} imports dynamically`).not.toMatch(/\bimport\(/);
  return importsIn(text);
}

function walk(): { files: string[]; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const specifier of runtimeImports(file)) {
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else packages.add(specifier);
    }
  };
  visit(entry);
  return { files: [...files].map((f) => relative(root, f)).sort(), packages };
}

describe('the search worker’s imports', () => {
  it('reach only the driver, the serializer and plain modules: no Drizzle, zod or schema', () => {
    const { files, packages } = walk();
    expect([...packages].sort()).toEqual(['better-sqlite3', 'fast-json-stringify', 'node:worker_threads']);
    expect(files).not.toContain('src/db/schema.ts');
    expect(files).not.toContain('src/errors.ts');
    expect(files).toEqual(
      expect.arrayContaining([
        'src/modules/claims/claims.reader.ts',
        'src/modules/search/search.repository.ts',
        'src/modules/search/search.worker.ts',
      ]),
    );
  });

  it('sees through the kinds of import a module can have', () => {
    // The walk itself: a mixed import stays (verbatimModuleSyntax keeps it), a type-only one goes.
    const sample = [
      "import type { A } from 'gone-1';",
      "import { type B, c } from 'kept-1';",
      "import {\n  d,\n  type E,\n} from 'kept-2';",
      "export type { F } from 'gone-2';",
      "export { g } from 'kept-3';",
      "import 'kept-4';",
      "import * as h from 'kept-5';",
    ].join('\n');
    expect(importsIn(sample).sort()).toEqual(['kept-1', 'kept-2', 'kept-3', 'kept-4', 'kept-5']);
  });
});
