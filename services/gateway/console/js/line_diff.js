// The lines two documents share and where they differ: a longest common subsequence over
// the lines between their common beginning and end.

export function lineDiff(before, after) {
  const a = before.split("\n");
  const b = after.split("\n");
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start += 1;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA -= 1;
    endB -= 1;
  }

  const rows = endA - start;
  const columns = endB - start;
  // common[i][j]: the longest common run of a[start+i..endA) and b[start+j..endB)
  const common = Array.from({ length: rows + 1 }, () => new Uint32Array(columns + 1));
  for (let i = rows - 1; i >= 0; i -= 1) {
    for (let j = columns - 1; j >= 0; j -= 1) {
      common[i][j] =
        a[start + i] === b[start + j]
          ? common[i + 1][j + 1] + 1
          : Math.max(common[i + 1][j], common[i][j + 1]);
    }
  }
  const lines = [];
  for (let k = 0; k < start; k += 1) lines.push({ kind: "same", text: a[k], old: k + 1, new: k + 1 });
  let i = 0;
  let j = 0;
  while (i < rows || j < columns) {
    if (i < rows && j < columns && a[start + i] === b[start + j]) {
      lines.push({ kind: "same", text: a[start + i], old: start + i + 1, new: start + j + 1 });
      i += 1;
      j += 1;
    } else if (i < rows && (j === columns || common[i + 1][j] >= common[i][j + 1])) {
      lines.push({ kind: "removed", text: a[start + i], old: start + i + 1, new: null });
      i += 1; // a changed line reads as the old one removed, then the new one added
    } else {
      lines.push({ kind: "added", text: b[start + j], old: null, new: start + j + 1 });
      j += 1;
    }
  }
  for (let k = 0; k < a.length - endA; k += 1) {
    lines.push({ kind: "same", text: a[endA + k], old: endA + k + 1, new: endB + k + 1 });
  }
  return lines;
}

// Runs of unchanged lines longer than twice the context are folded to their ends.
export function withContext(lines, context = 3) {
  const near = lines.map(() => false);
  lines.forEach((line, at) => {
    if (line.kind === "same") return;
    for (let k = Math.max(0, at - context); k <= Math.min(lines.length - 1, at + context); k += 1)
      near[k] = true;
  });
  const shown = [];
  let folded = 0;
  lines.forEach((line, at) => {
    if (near[at]) {
      if (folded) shown.push({ kind: "folded", count: folded });
      folded = 0;
      shown.push(line);
    } else {
      folded += 1;
    }
  });
  if (folded) shown.push({ kind: "folded", count: folded });
  return shown;
}
