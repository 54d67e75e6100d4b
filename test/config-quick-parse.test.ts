// The quick YAML path (js-yaml) must read every target file exactly as the full parser (`yaml`)
// does, and must hand every text it could read differently to the full parser.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { LineCounter, parse, parseDocument } from 'yaml';
import { findLine } from '../bench/config/positions.js';
import { quickLine, quickParse } from '../bench/config/yaml-quick.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const TARGET_FILES = readdirSync(path.join(ROOT, 'targets')).filter((f) => /\.ya?ml$/.test(f));

function same(text: string, mayDecline = false): void {
  const quick = quickParse(text);
  if (!quick && mayDecline) return;
  assert.ok(quick, `the quick parser declined:\n${text}`);
  assert.deepStrictEqual(quick.data, parse(text, { uniqueKeys: true }), `data differs for:\n${text}`);
}

test('every shipped target file is read by the quick parser, with the same data as the full parser', () => {
  assert.ok(TARGET_FILES.length >= 2);
  for (const file of TARGET_FILES) {
    const text = readFileSync(path.join(ROOT, 'targets', file), 'utf8');
    if (quickParse(text) === undefined) continue; // a file with aliases or tags: the full parser's
    same(text);
  }
  assert.ok(quickParse(readFileSync(path.join(ROOT, 'targets', 'local.yaml'), 'utf8')), 'the demo file takes the quick path');
});

test('plain scalars resolve as YAML 1.2 core in both parsers (ints, floats, booleans, nulls, look-alikes)', () => {
  const scalars = [
    '1', '-1', '+1', '-0', '007', '0o17', '0o8', '0x1F', '0x', '0b101', '1_000', '1.5', '.5', '+.5', '1.', '1e3', '1.5E-3', '1e', '0.1.2',
    '.inf', '-.Inf', '+.INF', '.nan', '.NaN', '.NAN', 'nan', 'inf', 'true', 'True', 'TRUE', 'tRUE', 'yes', 'no', 'on', 'off', 'y', 'n',
    '~', 'null', 'Null', 'NULL', 'nULL', '', '2026-12-02', '2026-12-02T10:00:00Z', '12:30', '1:30:00', '=', '<<', '.', 'a b', '0o',
    '"1"', "'true'", '"a\\tb\\u00e9"', "'it''s'", '9007199254740993', '1e400',
  ];
  for (const value of scalars) {
    same(`key: ${value}\n`);
    same(`- ${value}\n`);
    same(`{ k: ${value === '' ? '""' : value} }\n`);
  }
  // A lone dash reads as an empty sequence entry in one parser and a string in the other: either
  // the quick parser declines it or it agrees.
  same('key: -\n', true);
  same('- -\n', true);
});

test('layouts: block scalars, flow collections, folded plain scalars, comments, CRLF, merge-key look-alike, BOM', () => {
  same('a: |\n  line one\n  line two\nb: >-\n  folded\n  text\n\n  para\nc: |+\n  keep\n\n');
  same('targets: [ { name: a, kind: http, url: "http://127.0.0.1:1/x?a=1&b=2" }, {name: b} ]\n');
  same('a: this is\n  a folded\n  plain scalar\n# a comment\nb: 1 # trailing comment\n');
  same('a: 1\r\nb:\r\n  - x\r\n  - y\r\n');
  same('<<: { a: 1 }\nb: 2\n');
  same('\uFEFFa: 1\n');
  same('? complex\n: value\n');
  same('a:\n  - b: 1\n    c: [1, 2]\n  -\n    d: 3\n');
});

test('texts the quick parser could read differently go to the full parser', () => {
  const declined = [
    'a: &x 1\nb: *x\n', // alias: the full parser bounds expansion (an alias bomb is a problem)
    'a: !!int "5"\n', // tags
    'a: !custom 1\n',
    'a: 1\na: 2\n', // duplicate key: the full parser names its line
    'a: 1\n---\nb: 2\n', // two documents
    'a: [1, 2\n', // syntax error: the full parser names its line
    'a:\n\t- b\n', // tab indentation
    'a: "unterminated\n',
  ];
  for (const text of declined) assert.equal(quickParse(text), undefined, `should be left to the full parser:\n${text}`);
});

test('a target\'s line from the quick parser is the full parser\'s line', () => {
  for (const file of TARGET_FILES) {
    const text = readFileSync(path.join(ROOT, 'targets', file), 'utf8');
    const quick = quickParse(text);
    if (!quick) continue;
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter });
    const targets = (quick.data as { targets?: unknown[] }).targets ?? [];
    assert.ok(targets.length > 0, file);
    targets.forEach((_t, i) => assert.equal(quickLine(quick, ['targets', i]), findLine(doc, lineCounter, ['targets', i]), `${file} targets[${i}]`));
  }
  const odd = 'targets:\n  -\n    # the first\n    name: a\n  - name: b\n';
  const quick = quickParse(odd);
  assert.ok(quick);
  assert.equal(quickLine(quick, ['targets', 0]), 4);
  assert.equal(quickLine(quick, ['targets', 1]), 5);
  assert.equal(quickLine(quick, ['targets', 0, 'name']), undefined, 'a scalar\'s line is the full parser\'s to give');
});
