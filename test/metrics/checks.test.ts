import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';

import { CheckNameError, CheckTree, groupPath } from '../../src/metrics/checks.ts';

const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

test('root group has k6 id', () => {
  const tree = new CheckTree();
  assert.deepEqual(tree.snapshot(), { name: '', path: '', id: 'd41d8cd98f00b204e9800998ecf8427e', groups: [], checks: [] });
});

test('checks counted per group path', () => {
  const tree = new CheckTree();
  const login = groupPath('', 'login');
  const confirm = groupPath(login, 'confirm');
  assert.equal(login, '::login');
  assert.equal(confirm, '::login::confirm');

  tree.check('', 'connected', true);
  tree.check(confirm, 'confirm matched', true);
  tree.check(confirm, 'confirm matched', false);
  tree.check(confirm, 'confirm matched', true);
  tree.check('', 'connected', true);
  tree.group('::teardown');

  assert.deepEqual(tree.snapshot(), {
    name: '',
    path: '',
    id: md5(''),
    checks: [{ name: 'connected', path: '::connected', id: md5('::connected'), passes: 2, fails: 0 }],
    groups: [
      {
        name: 'login',
        path: '::login',
        id: md5('::login'),
        checks: [],
        groups: [
          {
            name: 'confirm',
            path: '::login::confirm',
            id: md5('::login::confirm'),
            checks: [{ name: 'confirm matched', path: '::login::confirm::confirm matched', id: md5('::login::confirm::confirm matched'), passes: 2, fails: 1 }],
            groups: [],
          },
        ],
      },
      { name: 'teardown', path: '::teardown', id: md5('::teardown'), checks: [], groups: [] },
    ],
  });
});

test('one check name in two groups', () => {
  const tree = new CheckTree();
  tree.check('', 'confirmed', true);
  tree.check('::retry', 'confirmed', false);
  tree.check('', 'confirmed', true);

  const [root, retry] = [tree.root.checks, tree.root.groups[0]!.checks];
  assert.deepEqual(root, [{ name: 'confirmed', path: '::confirmed', id: md5('::confirmed'), passes: 2, fails: 0 }]);
  assert.deepEqual(retry, [{ name: 'confirmed', path: '::retry::confirmed', id: md5('::retry::confirmed'), passes: 0, fails: 1 }]);
});

test('snapshot is a copy', () => {
  const tree = new CheckTree();
  tree.check('', 'ok', true);
  const copy = tree.snapshot();
  tree.check('', 'ok', true);
  assert.equal(copy.checks[0]!.passes, 1);
  assert.equal(tree.root.checks[0]!.passes, 2);
});

test('separator in names rejected', () => {
  const tree = new CheckTree();
  assert.throws(() => tree.check('', 'a::b', true), CheckNameError);
  assert.throws(() => groupPath('', 'x::y'), {
    code: 'invalid_check_name',
    message: 'invalid group name "x::y": a group name must not contain "::", which separates path segments',
  });
  assert.throws(() => tree.group('login'), /invalid group path "login"/);
});
