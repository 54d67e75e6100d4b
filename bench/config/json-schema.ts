// The target file's JSON Schema, generated from the zod schema so the two never disagree.
// Editors use it (via `$schema` / yaml-language-server) to complete and check target files.
import { z } from '../zod.js';
import { publishedSchema } from './schema.js';
import { originSchema } from './origins.js';

export function targetFileJsonSchema(): Record<string, unknown> {
  const published = publishedSchema.extend({ origins: z.array(originSchema).min(1).optional().describe('Where the targets are measured from: `coldbench run --origins all`') });
  const schema = z.toJSONSchema(published, { io: 'input', unrepresentable: 'any', target: 'draft-7' }) as Record<string, unknown>;
  return {
    ...schema,
    title: 'coldbench target file',
    description: 'Targets to benchmark (cold starts and warm latency); see README.md and CONTRACT.md.',
  };
}

export function renderJsonSchema(): string {
  return JSON.stringify(targetFileJsonSchema(), null, 2) + '\n';
}
