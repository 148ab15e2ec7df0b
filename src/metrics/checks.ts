import { createHash } from 'node:crypto';

/** One check's counts, in k6's summary shape. */
export interface CheckNode {
  readonly name: string;
  /** The group path plus `::name`, e.g. `::login::status is 200`. */
  readonly path: string;
  /** Hex MD5 of `path`, as k6 computes it. */
  readonly id: string;
  passes: number;
  fails: number;
}

/** A group with its checks and subgroups, in k6's `root_group` shape. */
export interface GroupNode {
  readonly name: string;
  /** `` for the root group, `::outer::inner` for nested groups. */
  readonly path: string;
  readonly id: string;
  readonly groups: GroupNode[];
  readonly checks: CheckNode[];
}

/** A group or check name containing `::`, which k6 reserves as the path separator. */
export class CheckNameError extends Error {
  readonly code = 'invalid_check_name';

  constructor(kind: 'group' | 'check', name: string) {
    super(`invalid ${kind} name ${JSON.stringify(name)}: a ${kind} name must not contain "::", which separates path segments`);
    this.name = 'CheckNameError';
  }
}

const SEPARATOR = '::';

/** Returns the path of group `name` inside the group at `parentPath` (`` for the root). */
export function groupPath(parentPath: string, name: string): string {
  if (name.includes(SEPARATOR)) throw new CheckNameError('group', name);
  return parentPath + SEPARATOR + name;
}

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

/**
 * The run's groups and checks, in the order they were first seen, as k6 lists them in the summary.
 * Checks are found by group path, then by name. Both strings are the same objects from call to call,
 * so V8 hashes each once, and counting a check builds no new string.
 */
export class CheckTree {
  readonly root: GroupNode = { name: '', path: '', id: md5(''), groups: [], checks: [] };
  private readonly groups = new Map<string, GroupNode>([['', this.root]]);
  private readonly checks = new Map<string, Map<string, CheckNode>>();

  /** Returns the group at `path`, creating it and its missing ancestors. */
  group(path: string): GroupNode {
    const existing = this.groups.get(path);
    if (existing) return existing;
    if (!path.startsWith(SEPARATOR)) {
      throw new Error(`invalid group path ${JSON.stringify(path)}: expected "" for the root or "::name" segments`);
    }

    const cut = path.lastIndexOf(SEPARATOR);
    const parent = this.group(path.slice(0, cut));
    const name = path.slice(cut + SEPARATOR.length);
    const group: GroupNode = { name, path, id: md5(path), groups: [], checks: [] };
    parent.groups.push(group);
    this.groups.set(path, group);
    return group;
  }

  /** Counts one outcome of check `name` in the group at `groupPath`; returns the updated check. */
  check(groupPath: string, name: string, passed: boolean): CheckNode {
    let check = this.checks.get(groupPath)?.get(name);
    if (!check) {
      if (name.includes(SEPARATOR)) throw new CheckNameError('check', name);
      const group = this.group(groupPath);
      const path = groupPath + SEPARATOR + name;
      check = { name, path, id: md5(path), passes: 0, fails: 0 };
      group.checks.push(check);
      let inGroup = this.checks.get(groupPath);
      if (inGroup === undefined) this.checks.set(groupPath, (inGroup = new Map()));
      inGroup.set(name, check);
    }
    if (passed) check.passes++;
    else check.fails++;
    return check;
  }

  /** Returns a deep copy of the tree, safe to hand to the script's handleSummary. */
  snapshot(): GroupNode {
    return structuredClone(this.root);
  }
}
