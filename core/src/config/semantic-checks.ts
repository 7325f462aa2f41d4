import { formatPath, formatValue, type ConfigIssue } from './config-error.js';
import { isProxyAddress } from './proxy-address.js';
import { redactString } from './redact.js';
import { hasUserinfo } from './url-userinfo.js';

const PATTERN_LISTS = ['patterns', 'blocklist', 'mutable_patterns', 'immutable_patterns'] as const;

// These checks also run on a file the schema refused, so that one check-config run lists every
// problem: each value is looked at only when it has the shape the check needs.
type Node = Record<string, unknown>;
const EMPTY: Node = {};

function record(value: unknown): Node {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Node) : EMPTY;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function checkHttpUrl(value: unknown, path: string, issues: ConfigIssue[]): void {
  if (typeof value !== 'string' || value === '') return;
  let ok = false;
  try {
    const url = new URL(value);
    ok = (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    ok = false;
  }
  if (!ok) issues.push({ path, message: `${path} must be an http(s) URL, got ${formatValue(redactString(value))}` });
}

/**
 * Credentials come either in `base_url` (`http://user:pass@host`) or as `username`/`password`,
 * never both: one would silently win. `files_url` takes none; the repository's are sent there too.
 */
function checkCredentials(name: string, repo: Node, issues: ConfigIssue[]): void {
  const base = formatPath(['remotes', name, 'base_url']);
  const keys = (['username', 'password'] as const).filter((key) => typeof repo[key] === 'string' && repo[key] !== '');
  const baseUrl = text(repo['base_url']);
  if (repo['type'] !== 'local' && baseUrl !== undefined && hasUserinfo(baseUrl) && keys.length > 0) {
    const named = keys.map((key) => formatPath(['remotes', name, key])).join(' and ');
    issues.push({ path: base, message: `${base} carries credentials and ${named} ${keys.length === 1 ? 'is' : 'are'} set too; give them one way` });
  }
}

function checkPatterns(name: string, repo: Node, issues: ConfigIssue[]): void {
  for (const key of PATTERN_LISTS) {
    list(repo[key]).forEach((source, i) => {
      if (typeof source !== 'string') return;
      try {
        new RegExp(source);
      } catch (err) {
        const path = formatPath(['remotes', name, key, i]);
        const reason = err instanceof Error ? err.message : String(err);
        issues.push({ path, message: `${path} is not a valid regular expression: ${reason}` });
      }
    });
  }
}

/** A `package:` no loaded plugin provides would answer every request with an error; refuse it up front. */
function checkPackage(path: string, value: unknown, knownPackages: readonly string[], issues: ConfigIssue[]): void {
  if (typeof value !== 'string' || value === '' || knownPackages.includes(value)) return;
  const full = `${path}.package`;
  issues.push({
    path: full,
    message: `${full} is ${formatValue(value)}, which no loaded plugin provides (loaded: ${knownPackages.join(', ')}); run \`artifactapi plugins\` to list them and any that failed to load`,
  });
}

/** One issue per repository or virtual whose `package:` is not among `knownPackages`. */
export function unknownPackages(
  config: { remotes?: unknown; virtuals?: unknown },
  knownPackages: readonly string[],
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const section of ['remotes', 'virtuals'] as const) {
    for (const [name, repo] of Object.entries(record(config[section]))) {
      checkPackage(formatPath([section, name]), record(repo)['package'], knownPackages, issues);
    }
  }
  return issues;
}

function checkVirtuals(remotes: Node, virtuals: Node, issues: ConfigIssue[]): void {
  for (const [name, value] of Object.entries(virtuals)) {
    const virtual = record(value);
    if (Object.hasOwn(remotes, name)) {
      const path = formatPath(['virtuals', name]);
      issues.push({ path, message: `${path} has the same name as remotes.${name}; repository names must be unique` });
    }
    list(virtual['members']).forEach((member, i) => {
      if (typeof member !== 'string') return;
      const path = formatPath(['virtuals', name, 'members', i]);
      const repo = Object.hasOwn(remotes, member) ? record(remotes[member]) : undefined;
      if (repo === undefined) {
        const hint = Object.hasOwn(virtuals, member) ? ' (a virtual cannot contain another virtual)' : '';
        issues.push({ path, message: `${path} names ${formatValue(member)}, which is not a repository under remotes${hint}` });
      } else if (typeof repo['package'] === 'string' && typeof virtual['package'] === 'string' && repo['package'] !== virtual['package']) {
        issues.push({
          path,
          message: `${path} names ${formatValue(member)}, a ${repo['package']} repository, but virtuals.${name}.package is ${virtual['package']}`,
        });
      }
    });
  }
}

/**
 * What the schema cannot say: regular expressions compile, URLs and proxy addresses parse,
 * virtual members exist and share the virtual's package type, no name is both a remote and a
 * virtual (docker's /v2/{repo} has one namespace for both), and, when `knownPackages` is given,
 * every `package:` is provided by a loaded plugin. Works on a file the schema refused too,
 * checking what has the right shape.
 */
export function semanticChecks(config: Node, knownPackages?: readonly string[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  checkHttpUrl(config['public_url'], 'public_url', issues);
  checkHttpUrl(record(config['upstream'])['proxy'], 'upstream.proxy', issues);
  const storage = record(config['storage']);
  if (storage['type'] === 's3') checkHttpUrl(storage['endpoint'], 'storage.endpoint', issues);
  list(record(config['server'])['trust_proxy']).forEach((value, i) => {
    const path = formatPath(['server', 'trust_proxy', i]);
    if (typeof value === 'string' && !isProxyAddress(value)) issues.push({ path, message: `${path} must be an IP address or CIDR, got ${formatValue(value)}` });
  });

  const remotes = record(config['remotes']);
  for (const [name, value] of Object.entries(remotes)) {
    const repo = record(value);
    if (repo['type'] !== 'local') checkHttpUrl(repo['base_url'], formatPath(['remotes', name, 'base_url']), issues);
    checkHttpUrl(repo['files_url'], formatPath(['remotes', name, 'files_url']), issues);
    checkCredentials(name, repo, issues);
    checkPatterns(name, repo, issues);
  }
  checkVirtuals(remotes, record(config['virtuals']), issues);
  if (knownPackages !== undefined) issues.push(...unknownPackages(config, knownPackages));
  return issues;
}
