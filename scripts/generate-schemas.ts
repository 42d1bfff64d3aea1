// Writes schemas/*.schema.json from the zod schemas; src/spec/json-schema.test.ts fails when stale.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonSchemas } from '../src/spec/json-schema.ts';

const dir = join(process.cwd(), 'schemas');
mkdirSync(dir, { recursive: true });
for (const [file, text] of Object.entries(jsonSchemas())) {
  writeFileSync(join(dir, file), text);
  console.log(`wrote schemas/${file}`);
}
