import { formatPath, formatValue, type ConfigIssue } from './config-error.js';
import type { FileConfig, FileRepo } from './file-config.js';
import { isProxyAddress } from './proxy-address.js';
import { redactString } from './redact.js';
import { hasUserinfo } from './url-userinfo.js';

const PATTERN_LISTS = ['patterns', 'blocklist', 'mutable_patterns', 'immutable_patterns'] as const;

function checkHttpUrl(value: string | undefined, path: string, issues: ConfigIssue[]): void {
  if (value === undefined || value === '') return;
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
 * never both: one would silently win.
 */
function checkCredentials(name: string, repo: FileRepo, issues: ConfigIssue[]): void {
  const base = formatPath(['remotes', name, 'base_url']);
  const keys = (['username', 'password'] as const).filter((key) => repo[key] !== undefined && repo[key] !== '');
  if (repo.type === 'remote' && hasUserinfo(repo.base_url) && keys.length > 0) {
    const named = keys.map((key) => formatPath(['remotes', name, key])).join(' and ');
    issues.push({ path: base, message: `${base} carries credentials and ${named} ${keys.length === 1 ? 'is' : 'are'} set too; give them one way` });
  }
}

/**
 * What the schema cannot say: regular expressions compile, URLs and proxy addresses parse,
 * virtual members exist and share the virtual's package type, and no name is both a remote and a virtual (docker's
 * /v2/{repo} has one namespace for both).
 */
export function semanticChecks(config: FileConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  checkHttpUrl(config.public_url, 'public_url', issues);
  checkHttpUrl(config.upstream.proxy, 'upstream.proxy', issues);
  if (config.storage?.type === 's3') checkHttpUrl(config.storage.endpoint, 'storage.endpoint', issues);
  const trusted = config.server.trust_proxy;
  if (Array.isArray(trusted)) {
    trusted.forEach((value, i) => {
      const path = formatPath(['server', 'trust_proxy', i]);
      if (!isProxyAddress(value)) issues.push({ path, message: `${path} must be an IP address or CIDR, got ${formatValue(value)}` });
    });
  }

  for (const [name, repo] of Object.entries(config.remotes)) {
    if (repo.type === 'remote') checkHttpUrl(repo.base_url, formatPath(['remotes', name, 'base_url']), issues);
    checkCredentials(name, repo, issues);
    for (const list of PATTERN_LISTS) {
      repo[list].forEach((source, i) => {
        try {
          new RegExp(source);
        } catch (err) {
          const path = formatPath(['remotes', name, list, i]);
          const reason = err instanceof Error ? err.message : String(err);
          issues.push({ path, message: `${path} is not a valid regular expression: ${reason}` });
        }
      });
    }
  }

  for (const [name, virtual] of Object.entries(config.virtuals)) {
    if (Object.hasOwn(config.remotes, name)) {
      const path = formatPath(['virtuals', name]);
      issues.push({ path, message: `${path} has the same name as remotes.${name}; repository names must be unique` });
    }
    virtual.members.forEach((member, i) => {
      const path = formatPath(['virtuals', name, 'members', i]);
      const repo = Object.hasOwn(config.remotes, member) ? config.remotes[member] : undefined;
      if (repo === undefined) {
        const hint = Object.hasOwn(config.virtuals, member) ? ' (a virtual cannot contain another virtual)' : '';
        issues.push({ path, message: `${path} names ${formatValue(member)}, which is not a repository under remotes${hint}` });
      } else if (repo.package !== virtual.package) {
        issues.push({
          path,
          message: `${path} names ${formatValue(member)}, a ${repo.package} repository, but virtuals.${name}.package is ${virtual.package}`,
        });
      }
    });
  }
  return issues;
}
