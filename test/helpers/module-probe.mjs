// A probe for test/startup.test.ts, loaded first with `node --import` in front of the CLI: records
// what the process loaded and ran, as lines in the file named by COLDBENCH_MODULE_PROBE:
//   esm <url>        every module resolved through the ES module loader (a resolve hook)
//   cjs <path>       every CommonJS module in require.cache at exit
//   child <cmdline>  every process whose parent is this one, still alive at exit (from /proc)
//   options <json>   process.execArgv and NODE_OPTIONS
// Plain JavaScript: it must not itself need a loader.
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const log = process.env.COLDBENCH_MODULE_PROBE;
if (!log) throw new Error('module-probe: set COLDBENCH_MODULE_PROBE to the file to write');

register(new URL('./module-probe-hooks.mjs', import.meta.url), { data: { log } });

function children() {
  const found = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid) found.push(readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim());
    } catch {
      // the process ended meanwhile
    }
  }
  return found;
}

process.on('exit', () => {
  const require = createRequire(import.meta.url);
  const lines = [
    ...Object.keys(require.cache).map((file) => `cjs ${file}`),
    ...children().map((cmdline) => `child ${cmdline}`),
    `options ${JSON.stringify({ execArgv: process.execArgv, NODE_OPTIONS: process.env.NODE_OPTIONS ?? '' })}`,
  ];
  appendFileSync(log, `${lines.join('\n')}\n`);
});
