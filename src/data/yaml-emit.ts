/**
 * A YAML writer that produces the bytes DVC's ruamel.yaml round-trip dumper produces for the
 * documents DVC writes (`.dvc` files, `dvc.lock`): block mappings and sequences (sequences in a
 * mapping not indented), `[]`/`{}` when empty, plain scalars where YAML 1.2 allows them, single
 * quotes otherwise, double quotes for control characters, newlines and strings holding a `'`,
 * long scalars folded at a space once the line passes 80 columns, nulls written as nothing, floats
 * as Python's repr. The `yaml` package is a fine general writer but folds, quotes and spaces
 * differently, and a byte-identical file is what lets a team switch between DVC and gitops-ml.
 */

import {
  analyze,
  BREAKS,
  chooseStyle,
  escapeDouble,
  needsDoubleEscape,
  PyFloat,
  scalarOf,
  type Scalar,
} from './yaml-scalar.ts';

export { PyFloat, pythonFloatRepr } from './yaml-scalar.ts';

export type YamlValue =
  | string
  | number
  | boolean
  | null
  | PyFloat
  | readonly YamlValue[]
  | ReadonlyMap<string, YamlValue>
  | { readonly [key: string]: YamlValue };

const BEST_WIDTH = 80;
const MAX_SIMPLE_KEY = 128;

function entriesOf(
  value: ReadonlyMap<string, YamlValue> | { readonly [key: string]: YamlValue },
): [string, YamlValue][] {
  return value instanceof Map
    ? [...(value as ReadonlyMap<string, YamlValue>)]
    : Object.entries(value as Record<string, YamlValue>);
}

function isCollection(
  value: YamlValue,
): value is
  readonly YamlValue[] | ReadonlyMap<string, YamlValue> | { readonly [key: string]: YamlValue } {
  return typeof value === 'object' && value !== null && !(value instanceof PyFloat);
}

class Writer {
  out = '';
  private column = 0;
  private whitespace = true;
  private indention = true;

  private write(data: string, width = [...data].length): void {
    this.out += data;
    this.column += width;
  }

  indicator(text: string, needWhitespace: boolean, whitespace = false, indention = false): void {
    const data = this.whitespace || !needWhitespace ? text : ` ${text}`;
    this.whitespace = whitespace;
    this.indention = this.indention && indention;
    this.write(data);
  }

  lineBreak(data = '\n'): void {
    this.out += data;
    this.whitespace = true;
    this.indention = true;
    this.column = 0;
  }

  indent(indent: number): void {
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace))
      this.lineBreak();
    if (this.column < indent) {
      this.whitespace = true;
      this.write(' '.repeat(indent - this.column));
    }
  }

  scalar(s: Scalar, indent: number, simpleKey: boolean): void {
    const chars = [...s.text];
    const style = chooseStyle(s.text, analyze(chars), s.implicit, simpleKey);
    const split = !simpleKey;
    if (style === 'plain') this.plain(chars, split, indent);
    else if (style === 'single') this.singleQuoted(chars, split, indent);
    else this.doubleQuoted(chars, split, indent);
  }

  private plain(chars: string[], split: boolean, indent: number): void {
    if (chars.length === 0) return;
    if (!this.whitespace) this.write(' ');
    this.whitespace = false;
    this.indention = false;
    let spaces = false;
    let start = 0;
    for (let end = 0; end <= chars.length; end++) {
      const ch = chars[end];
      if (spaces) {
        if (ch !== ' ') {
          if (start + 1 === end && this.column > BEST_WIDTH && split) {
            this.indent(indent);
            this.whitespace = false;
            this.indention = false;
          } else {
            this.write(chars.slice(start, end).join(''), end - start);
          }
          start = end;
        }
      } else if (ch === undefined || ch === ' ') {
        this.write(chars.slice(start, end).join(''), end - start);
        start = end;
      }
      spaces = ch === ' ';
    }
  }

  private singleQuoted(chars: string[], split: boolean, indent: number): void {
    this.indicator("'", true);
    let spaces = false;
    let breaks = false;
    let start = 0;
    for (let end = 0; end <= chars.length; end++) {
      const ch = chars[end];
      if (spaces) {
        if (ch !== ' ') {
          const fold =
            start + 1 === end &&
            this.column > BEST_WIDTH &&
            split &&
            start !== 0 &&
            end !== chars.length;
          if (fold) this.indent(indent);
          else this.write(chars.slice(start, end).join(''), end - start);
          start = end;
        }
      } else if (breaks) {
        if (ch === undefined || !BREAKS.includes(ch)) {
          if (chars[start] === '\n') this.lineBreak();
          for (const br of chars.slice(start, end)) this.lineBreak(br === '\n' ? '\n' : br);
          this.indent(indent);
          start = end;
        }
      } else if (ch === undefined || ch === ' ' || BREAKS.includes(ch) || ch === "'") {
        if (start < end) {
          this.write(chars.slice(start, end).join(''), end - start);
          start = end;
        }
      }
      if (ch === "'") {
        this.write("''");
        start = end + 1;
      }
      if (ch !== undefined) {
        spaces = ch === ' ';
        breaks = BREAKS.includes(ch);
      }
    }
    this.indicator("'", false);
  }

  private doubleQuoted(chars: string[], split: boolean, indent: number): void {
    this.indicator('"', true);
    let start = 0;
    for (let end = 0; end <= chars.length; end++) {
      const ch = chars[end];
      if (ch === undefined || needsDoubleEscape(ch)) {
        if (start < end) {
          this.write(chars.slice(start, end).join(''), end - start);
          start = end;
        }
        if (ch !== undefined) {
          this.write(escapeDouble(ch));
          start = end + 1;
        }
      }
      if (
        end > 0 &&
        end < chars.length - 1 &&
        (ch === ' ' || start >= end) &&
        this.column + (end - start) > BEST_WIDTH &&
        split
      ) {
        this.write(chars.slice(start, end).join('') + '\\', end - start + 1);
        if (start < end) start = end;
        this.indent(indent);
        this.whitespace = false;
        this.indention = false;
        if (chars[start] === ' ') this.write('\\');
      }
    }
    this.indicator('"', false);
  }

  /** A block mapping whose keys sit at `indent`. */
  mapping(entries: [string, YamlValue][], indent: number): void {
    for (const [key, value] of entries) {
      this.indent(indent);
      const k = scalarOf(key);
      const chars = [...k.text];
      if (chars.length < MAX_SIMPLE_KEY && !chars.some((c) => BREAKS.includes(c))) {
        this.scalar(k, indent + 2, true);
        this.indicator(':', false);
      } else {
        // A key too long or spanning lines is written as an explicit `? key` / `: value` pair.
        this.indicator('?', true, false, true);
        this.scalar(k, indent + 2, false);
        this.indent(indent);
        this.indicator(':', true, false, true);
      }
      this.node(value, indent, 'mapping');
    }
  }

  /** A block sequence whose dashes sit at `indent`. */
  sequence(items: readonly YamlValue[], indent: number): void {
    for (const item of items) {
      this.indent(indent);
      this.indicator('-', true, false, true);
      this.node(item, indent, 'sequence');
    }
  }

  /** A value after `key:` (mapping at `indent`) or after `- ` (sequence at `indent`). */
  node(value: YamlValue, indent: number, context: 'mapping' | 'sequence'): void {
    if (!isCollection(value)) {
      if (context === 'sequence') this.indent(indent + 2);
      this.scalar(scalarOf(value), indent + 2, false);
      return;
    }
    if (Array.isArray(value)) {
      const items = value as readonly YamlValue[];
      if (items.length === 0) return this.emptyFlow('[]');
      // A sequence that is a mapping's value is not indented (ruamel's default).
      return this.sequence(items, context === 'mapping' && !this.indention ? indent : indent + 2);
    }
    const entries = entriesOf(value as ReadonlyMap<string, YamlValue>);
    if (entries.length === 0) return this.emptyFlow('{}');
    this.mapping(entries, indent + 2);
  }

  private emptyFlow(text: '[]' | '{}'): void {
    this.indicator(text[0]!, true, true);
    this.indicator(text[1]!, false);
    this.lineBreak();
  }

  end(): string {
    if (this.column > 0) this.lineBreak();
    return this.out;
  }
}

/** A document whose root is a mapping, as DVC writes it. */
export function emitYaml(
  root: ReadonlyMap<string, YamlValue> | { readonly [key: string]: YamlValue },
): string {
  const w = new Writer();
  const entries = entriesOf(root);
  if (entries.length === 0) return '{}\n';
  w.mapping(entries, 0);
  return w.end();
}
