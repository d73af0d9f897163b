/** Parses one JSON value or several separated by whitespace (as jq prints them); undefined if invalid. */
export function parseJsonSequence(text: string): unknown[] | undefined {
  const values: unknown[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i] ?? '')) i += 1;
    if (i >= text.length) break;
    const end = endOfValue(text, i);
    if (end === undefined) return undefined;
    try {
      values.push(JSON.parse(text.slice(i, end)));
    } catch {
      return undefined;
    }
    i = end;
  }
  return values.length > 0 ? values : undefined;
}

/** Index after the JSON value starting at `start` (brackets and strings tracked; scalars to whitespace). */
function endOfValue(text: string, start: number): number | undefined {
  const first = text[start];
  if (first !== '{' && first !== '[' && first !== '"') {
    const match = /^[^\s[\]{}"]+/.exec(text.slice(start));
    return match ? start + match[0].length : undefined;
  }
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i += 1) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i += 1;
      else if (c === '"') {
        inString = false;
        if (depth === 0) return i + 1;
      }
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth += 1;
    else if (c === '}' || c === ']') {
      depth -= 1;
      if (depth === 0) return i + 1;
    }
  }
  return undefined;
}
