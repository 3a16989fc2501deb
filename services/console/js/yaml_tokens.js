// A rule set line split into what a reader tells apart: keys, strings, numbers, literals,
// punctuation and comments. Line by line, as YAML and JSON documents are read by people.

const TOKENS = [
  ["string", /"(?:[^"\\]|\\.)*"?|'(?:[^']|'')*'?/y],
  ["key", /[A-Za-z_][\w.-]*(?=\s*:(?:\s|$))/y],
  ["number", /-?\d+(?:\.\d+)?(?![\w.])/y],
  ["literal", /(?:true|false|null|~)(?![\w.-])/y],
  ["punctuation", /[{}[\],:]|-(?=\s|$)/y],
  ["plain", /\s+|[^\s{}[\],:#"']+|./y],
];
// a block value that is not a key, a string, a flow collection or a comment runs to the line's end
const BLOCK_SCALAR =
  /(?! *["'{[#|>&*!])(?! *[A-Za-z_][\w.-]*\s*:(?:\s|$))( *)((?:[^#\s]|\s(?!#)|#(?<!\s#))+)/y;
const WHOLE_NUMBER = /^-?\d+(?:\.\d+)?$/;
const WHOLE_LITERAL = /^(?:true|false|null|~)$/;

export function tokens(line) {
  const found = [];
  const push = (kind, text) => {
    const [previousKind, previousText] = found.at(-1) ?? [];
    if (kind === "plain" && previousKind === "plain")
      found[found.length - 1] = ["plain", previousText + text];
    else found.push([kind, text]);
  };
  let at = 0;
  let depth = 0; // inside { } or [ ]
  while (at < line.length) {
    if (line[at] === "#" && (at === 0 || /\s/.test(line[at - 1]))) {
      push("comment", line.slice(at));
      break;
    }
    const [lastKind, lastText] = found.at(-1) ?? [];
    if (depth === 0 && lastKind === "punctuation" && (lastText === ":" || lastText === "-")) {
      BLOCK_SCALAR.lastIndex = at;
      const scalar = BLOCK_SCALAR.exec(line);
      if (scalar?.[2].trim()) {
        const value = scalar[2].trimEnd();
        if (scalar[1]) push("plain", scalar[1]);
        push(WHOLE_NUMBER.test(value) ? "number" : WHOLE_LITERAL.test(value) ? "literal" : "plain", value);
        at += scalar[1].length + value.length;
        continue;
      }
    }
    for (const [kind, pattern] of TOKENS) {
      pattern.lastIndex = at;
      const matched = pattern.exec(line);
      if (!matched || !matched[0].length) continue;
      if (kind === "punctuation")
        depth = Math.max(0, depth + ("{[".includes(matched[0]) ? 1 : "}]".includes(matched[0]) ? -1 : 0));
      push(kind, matched[0]);
      at += matched[0].length;
      break;
    }
  }
  return found;
}
