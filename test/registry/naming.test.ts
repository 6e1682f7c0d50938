import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contentDigest, nameVersion } from '../../src/registry/index.ts';
import { anEntry } from './fixtures.ts';

const digestA = contentDigest('content A');
const digestB = contentDigest('content B');

test('a new declared version is used as it is', () => {
  assert.deepEqual(nameVersion('ruleset', 'v7', digestA, [anEntry({ version: 'v6' })]), { version: 'v7', renamed: false });
});

test('a version published before with the same content keeps its name', () => {
  const history = [anEntry({ version: 'v7', digest: digestA })];
  assert.deepEqual(nameVersion('ruleset', 'v7', digestA, history), { version: 'v7', renamed: false });
});

test('a version published before with other content gets "+" and 8 hex digits of this content\'s digest, and keeps it', () => {
  const history = [anEntry({ version: 'v7', digest: digestA })];
  const named = nameVersion('ruleset', 'v7', digestB, history);
  assert.deepEqual(named, { version: `v7+${digestB.slice(7, 15)}`, renamed: true });
  // Once published under that name, the same content maps to the same name again.
  const later = [...history, anEntry({ version: named.version, declaredVersion: 'v7', digest: digestB })];
  assert.deepEqual(nameVersion('ruleset', 'v7', digestB, later), named);
  assert.deepEqual(nameVersion('ruleset', 'v7', digestA, later), { version: 'v7', renamed: false }, 'the first content keeps the plain name');
});

test('when the suffixed name is taken by yet other content, more digits are used', () => {
  const suffix8 = `v7+${digestB.slice(7, 15)}`;
  const history = [anEntry({ version: 'v7', digest: digestA }), anEntry({ version: suffix8, digest: contentDigest('content C') })];
  assert.deepEqual(nameVersion('ruleset', 'v7', digestB, history), { version: `v7+${digestB.slice(7, 19)}`, renamed: true });
});

test('versions are per kind: a model may share a ruleset\'s version', () => {
  const history = [anEntry({ version: 'v1', digest: digestA })];
  assert.deepEqual(nameVersion('model', 'v1', digestB, history), { version: 'v1', renamed: false });
});

test('a long declared version is cut so that the suffix fits the version limit', () => {
  const long = 'x'.repeat(100);
  const named = nameVersion('ruleset', long, digestB, [anEntry({ version: long, digest: digestA })]);
  assert.equal(named.version.length, 100);
  assert.ok(named.version.endsWith(`+${digestB.slice(7, 15)}`));
});

test('the digest is of the exact text: reformatting is other content', () => {
  assert.match(contentDigest('a: 1\n'), /^sha256:[0-9a-f]{64}$/);
  assert.notEqual(contentDigest('a: 1\n'), contentDigest('a:  1\n'));
});
