// A spreadsheet saved as CSV (comma or semicolon, as Indonesian spreadsheets often write it),
// read into rows of named cells: quoted cells may hold separators, quotes ("") and line breaks.

export function parseCsv(text) {
  const source = text.replace(/^\uFEFF/, "");
  const firstLine = source.split(/\r?\n/, 1)[0] ?? "";
  const separator = (firstLine.match(/;/g) ?? []).length > (firstLine.match(/,/g) ?? []).length ? ";" : ",";
  const lines = []; // [line the row starts on, cells]
  let row = [];
  let cell = "";
  let quoted = false;
  let line = 1;
  let starts = 1;
  for (let i = 0; i < source.length; i += 1) {
    const char = source[i];
    if (quoted) {
      if (char === '"' && source[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else {
        if (char === "\n") line += 1;
        cell += char;
      }
    } else if (char === '"' && cell === "") quoted = true;
    else if (char === separator) {
      row.push(cell);
      cell = "";
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && source[i + 1] === "\n") i += 1;
      row.push(cell);
      lines.push([starts, row]);
      row = [];
      cell = "";
      line += 1;
      starts = line;
    } else cell += char;
  }
  if (cell !== "" || row.length) lines.push([starts, [...row, cell]]);
  const filled = lines.filter(([, cells]) => cells.some((c) => c.trim() !== ""));
  const [[, header] = [0, []], ...body] = filled;
  const names = header.map((name) => name.trim().toLowerCase().replace(/[_-]+/g, " "));
  // each row keeps the line of the sheet it starts on, for the problems it has
  return {
    columns: names,
    rows: body.map(([at, cells]) => ({
      line: at,
      cells: Object.fromEntries(names.map((name, n) => [name, (cells[n] ?? "").trim()])),
    })),
  };
}

// A decimal as either language writes it: 2,94 or 2.94; null when blank, NaN when not a number.
export function decimal(text) {
  if (text === undefined || text.trim() === "") return null;
  const plain = text.trim().replace(",", ".");
  return /^-?\d+(\.\d+)?$/.test(plain) ? Number(plain) : Number.NaN;
}
