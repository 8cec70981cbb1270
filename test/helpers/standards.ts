import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import draft04 from 'ajv-draft-04';
import formats from 'ajv-formats';

/*
 * Validators for the official schemas in ../shared/schemas (relative to the repository root), used
 * where they lie: they are the standards bodies' files, not copies.
 */
export const SCHEMAS_DIR = fileURLToPath(new URL('../../../shared/schemas/', import.meta.url));

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

/** The W3C Web Annotation test suite: every assertion listed in a `.test` file, as a named validator. */
export function webAnnotationAssertions(testFile = 'annotations/annotationMusts.test') {
  const dir = join(SCHEMAS_DIR, 'web-annotation');
  const ajv = new draft04.default({ strict: false, allErrors: true });
  formats.default(ajv);
  for (const file of readdirSync(join(dir, 'definitions'))) {
    if (file.endsWith('.json')) ajv.addSchema(readJson(join(dir, 'definitions', file)));
  }
  const listed = readJson(join(dir, testFile)).assertions as string[];
  return listed.map((path) => {
    const schema = readJson(join(dir, path));
    return { path, validate: ajv.compile(schema), errorMessage: String(schema.errorMessage ?? '') };
  });
}

/** Failing Web Annotation assertions for one annotation: an empty list means it passes them all. */
export function annotationFailures(
  assertions: ReturnType<typeof webAnnotationAssertions>,
  annotation: unknown,
): string[] {
  return assertions.filter((a) => !a.validate(annotation)).map((a) => `${a.path}: ${a.errorMessage}`);
}

const STIX_SCHEMA_OF: Record<string, string> = {
  'extension-definition': 'common/extension-definition.json',
  relationship: 'sros/relationship.json',
  sighting: 'sros/sighting.json',
};

/**
 * STIX 2.1 object validators, by type: each object against its own schema (the bundle schema's `oneOf`
 * lists neither note nor opinion nor incident).
 */
export function stixValidator() {
  const dir = join(SCHEMAS_DIR, 'stix2.1');
  const ajv = new Ajv2020({ strict: false, allErrors: true, unicodeRegExp: false });
  formats.default(ajv);
  for (const sub of ['common', 'sdos', 'sros']) {
    for (const file of readdirSync(join(dir, sub))) {
      if (file.endsWith('.json')) ajv.addSchema(readJson(join(dir, sub, file)));
    }
  }
  return (object: Record<string, unknown>): string[] => {
    const type = String(object.type);
    const path = STIX_SCHEMA_OF[type] ?? `sdos/${type}.json`;
    const id = readJson(join(dir, path)).$id as string;
    const validate = ajv.getSchema(id);
    if (!validate) return [`no schema for type ${type}`];
    return validate(object)
      ? []
      : [`${type} ${String((object as { id?: unknown }).id)}: ${ajv.errorsText(validate.errors)}`];
  };
}
