// Expands `<<name:kind:len>>` placeholders in pack YAML files in place (authoring aid).
// The same name within a file expands to the same value; `<<name>>` reuses an earlier one.
// Usage: node --import tsx scripts/packs-b/expand.ts filter-packs/messaging.yaml …
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { SeededBytes, generate } from './formats.js';

for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, 'utf8');
  const values = new Map<string, string>();
  const out = text.replace(/<<([A-Za-z0-9_]+)(?::([A-Za-z0-9-]+)(?::(\d+))?)?>>/g, (_m, name: string, kind?: string, len?: string) => {
    const known = values.get(name);
    if (known !== undefined && kind) throw new Error(`${file}: <<${name}:${kind}>> defined twice`);
    if (known !== undefined) return known;
    if (!kind) throw new Error(`${file}: <<${name}>> used before it is defined`);
    const v = generate(kind, Number(len ?? 32), new SeededBytes(`${basename(file)}/${name}`));
    values.set(name, v);
    return v;
  });
  if (out !== text) writeFileSync(file, out);
  console.log(`${file}: ${values.size} values`);
}
