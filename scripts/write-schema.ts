// npm run schema: regenerate targets/schema.json from the zod schema.
import { writeFileSync } from 'node:fs';
import { renderJsonSchema } from '../bench/config/json-schema.js';

writeFileSync(new URL('../targets/schema.json', import.meta.url), renderJsonSchema());
console.log('wrote targets/schema.json');
