// The lines two documents share and where they differ: the shortest edit script between the
// lines of their middle (after their common beginning and end), found in time that grows with
// the documents' length times the number of changed lines (Myers' greedy algorithm).

const MAX_EDITS = 2000; // beyond this many changed lines, the middle is shown replaced whole

// The edit script between a and b: [kind, index in a, index in b] per step, or null when it
// takes more than MAX_EDITS insertions and deletions.
function editScript(a, b) {
  const n = a.length;
  const m = b.length;
  const limit = Math.min(n + m, MAX_EDITS);
  const offset = limit + 1;
  const furthest = new Int32Array(2 * limit + 3); // per diagonal k = x - y, the furthest x reached
  const reached = []; // per number of edits d, `furthest` over the diagonals -d..d
  let edits = -1;
  for (let d = 0; d <= limit && edits < 0; d += 1) {
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && furthest[offset + k - 1] < furthest[offset + k + 1]);
      let x = down ? furthest[offset + k + 1] : furthest[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x += 1;
        y += 1;
      }
      furthest[offset + k] = x;
      if (x >= n && y >= m) edits = d;
    }
    reached.push(furthest.slice(offset - d, offset + d + 1));
  }
  if (edits < 0) return null;

  const steps = [];
  let x = n;
  let y = m;
  for (let d = edits; d > 0; d -= 1) {
    const before = reached[d - 1]; // diagonals -(d-1)..(d-1)
    const at = (k) => before[k + d - 1];
    const k = x - y;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const fromX = down ? at(k + 1) : at(k - 1);
    const fromY = fromX - (down ? k + 1 : k - 1);
    while (x > fromX + (down ? 0 : 1) && y > fromY + (down ? 1 : 0)) {
      x -= 1;
      y -= 1;
      steps.push(["same", x, y]);
    }
    if (down) {
      y -= 1;
      steps.push(["added", null, y]);
    } else {
      x -= 1;
      steps.push(["removed", x, null]);
    }
  }
  while (x > 0 && y > 0) {
    x -= 1;
    y -= 1;
    steps.push(["same", x, y]);
  }
  return steps.reverse();
}

// Each changed stretch reads as its old lines removed, then its new lines added.
function removedFirst(lines) {
  const ordered = [];
  let stretch = [];
  const close = () => {
    ordered.push(
      ...stretch.filter((l) => l.kind === "removed"),
      ...stretch.filter((l) => l.kind === "added"),
    );
    stretch = [];
  };
  for (const line of lines) {
    if (line.kind === "same") {
      close();
      ordered.push(line);
    } else stretch.push(line);
  }
  close();
  return ordered;
}

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
  const middleA = a.slice(start, endA);
  const middleB = b.slice(start, endB);
  const steps = editScript(middleA, middleB) ?? [
    ...middleA.map((_, i) => ["removed", i, null]),
    ...middleB.map((_, j) => ["added", null, j]),
  ];

  const lines = [];
  for (let k = 0; k < start; k += 1) lines.push({ kind: "same", text: a[k], old: k + 1, new: k + 1 });
  for (const [kind, i, j] of steps) {
    const old = i === null ? null : start + i + 1;
    lines.push({
      kind,
      text: i === null ? b[start + j] : a[start + i],
      old,
      new: j === null ? null : start + j + 1,
    });
  }
  for (let k = 0; k < a.length - endA; k += 1) {
    lines.push({ kind: "same", text: a[endA + k], old: endA + k + 1, new: endB + k + 1 });
  }
  return removedFirst(lines);
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
