/**
 * Parses a config file's YAML and describes what is wrong with it by line, column and a fixed phrase,
 * never by quoting the text: the yaml library's messages and warnings show the offending line, and a
 * config line may hold a password.
 */
import { LineCounter, parseDocument, YAMLError, type ErrorCode } from 'yaml';

export interface YamlProblem {
  /** 1-based; absent when the problem has no single place (e.g. too many aliases). */
  line?: number;
  col?: number;
  problem: string;
}

const PROBLEMS: Record<ErrorCode, string> = {
  ALIAS_PROPS: 'an alias cannot have an anchor or tag',
  BAD_ALIAS: 'an alias is not valid here',
  BAD_COLLECTION_TYPE: 'a collection of the wrong kind for its tag',
  BAD_DIRECTIVE: 'a directive is not valid',
  BAD_DQ_ESCAPE: 'an escape sequence in a double-quoted string is not valid',
  BAD_INDENT: 'wrong indentation, or an unclosed bracket',
  BAD_PROP_ORDER: 'an anchor or tag is in the wrong place',
  BAD_SCALAR_START: 'a plain value starts with a reserved character',
  BLOCK_AS_IMPLICIT_KEY: 'a block is used as a key',
  BLOCK_IN_FLOW: 'a block inside a flow collection',
  DUPLICATE_KEY: 'a key appears twice in the same mapping',
  IMPOSSIBLE: 'the parser reached an impossible state',
  KEY_OVER_1024_CHARS: 'a key is longer than 1024 characters',
  MISSING_CHAR: 'a closing quote or bracket is missing',
  MULTILINE_IMPLICIT_KEY: 'a key spans several lines',
  MULTIPLE_ANCHORS: 'a node has more than one anchor',
  MULTIPLE_DOCS: 'more than one document',
  MULTIPLE_TAGS: 'a node has more than one tag',
  NON_STRING_KEY: 'a key is not a string',
  RESOURCE_EXHAUSTION: 'too many aliases',
  TAB_AS_INDENT: 'a tab is used for indentation',
  TAG_RESOLVE_FAILED: 'an unknown tag',
  UNEXPECTED_TOKEN: 'an unexpected character',
};

export type YamlResult = { ok: true; value: unknown } | { ok: false; problems: YamlProblem[] };

export function parseConfigYaml(text: string): YamlResult {
  const lineCounter = new LineCounter();
  // parseDocument collects errors instead of throwing, and never prints warnings (parse() does, with
  // the line). Warnings (e.g. an unknown tag, read as a string) are left to the schema's checks.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => ({ ...lineCounter.linePos(e.pos[0]), problem: describe(e) })),
    };
  }
  try {
    return { ok: true, value: doc.toJS() };
  } catch (e) {
    // Aliases are resolved here and fail as plain errors whose message may name the alias.
    if (e instanceof YAMLError) return { ok: false, problems: [{ problem: describe(e) }] };
    const message = e instanceof Error ? e.message : '';
    if (message.startsWith('Unresolved alias')) {
      return { ok: false, problems: [{ problem: 'an alias refers to no anchor set before it' }] };
    }
    if (message.startsWith('Excessive alias count')) {
      return { ok: false, problems: [{ problem: PROBLEMS.RESOURCE_EXHAUSTION }] };
    }
    return { ok: false, problems: [{ problem: 'cannot be read' }] };
  }
}

function describe(error: YAMLError): string {
  return PROBLEMS[error.code] ?? `error ${error.code}`;
}
