import { parseDocument } from 'yaml';
import type { ConfigIssue } from './config-error.js';
import type { TokenizedText } from './env-references.js';

/** 1-based line and column of an offset in a text. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Parses tokenized YAML. Syntax errors are reported with the line and column of the original
 * text (before references were swapped for tokens), so they point where the user looks.
 */
export function parseYaml(original: string, tokens: TokenizedText, issues: ConfigIssue[]): unknown {
  // merge: anchors plus `<<: *defaults` are a common way to share repository settings
  const doc = parseDocument(tokens.text, { merge: true, prettyErrors: false, uniqueKeys: true });
  for (const err of doc.errors) {
    const { line, column } = lineColumn(original, tokens.originalOffset(err.pos[0]));
    // no source excerpt: the line may hold a password
    const reason = err.message.split('\n')[0]!.replace(tokens.tokenPattern, '…');
    issues.push({
      path: '',
      message: `YAML syntax error at line ${line}, column ${column}: ${reason}`,
    });
  }
  if (doc.errors.length > 0) return undefined;
  try {
    return doc.toJS({ maxAliasCount: 1000 });
  } catch (err) {
    // An alias to an anchor not yet set, or too many aliases (a billion-laughs document), throws here.
    issues.push({ path: '', message: `YAML error: ${(err as Error).message.split('\n')[0]!.replace(tokens.tokenPattern, '…')}` });
    return undefined;
  }
}
