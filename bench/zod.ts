// zod as the product uses it. A coldbench process parses each schema a handful of times (a target
// file, a results.json, a journal): zod's default of compiling a parser for every object schema
// on first use (new Function) costs more than it saves. Measured on the first validation of
// targets/local.yaml: 35-54 ms without it, 72-380 ms with it (busy 2-core machine).
import { z } from 'zod';

z.config({ jitless: true });

export { z };
