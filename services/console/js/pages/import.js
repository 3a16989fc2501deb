// Importing results as they were published: a sheet (CSV) checked whole by a dry run, shown
// as the scorecards it would make, and stored only when the admin says so. Every problem is
// shown at its row and column; nothing is stored while any remains.

import { graphql } from "../api.js";
import { decimal, parseCsv } from "../csv.js";
import { cycleChoices } from "../cycle_choices.js";
import { field, h, index, select, show } from "../dom.js";
import { t } from "../i18n.js";
import { problemsTable, rowProblems } from "../problems.js";
import { refusal } from "../submitting.js";
import { IMPORT_RESULTS } from "../work_queries.js";

const DIMENSIONS = ["baseline", "output", "outcome", "impact", "quick win", "kolaborasi"];
const SCORE_FIELD = /^scores\[(\d+)\]\.(\w+)$/;
const COLUMNS = { regionCode: "region", finalIndex: "final", cycleId: "cycle" };
const REQUIRED = ["region", "year", "cohort", "final", "document"];

export async function importPage(page) {
  const cycles = await cycleChoices();
  let cycleId = cycles[0]?.[0] ?? "";
  let checked = null; // the rows of the last clean dry run, and the text they came from
  const text = h("textarea", {
    name: "sheet",
    rows: 8,
    spellcheck: "false",
    "aria-describedby": "sheet-hint",
  });
  const file = h("input", { type: "file", name: "file", accept: ".csv,text/csv" });
  const outcome = h("div", { id: "outcome", "aria-live": "polite" });
  const store = h("button", { type: "button", disabled: true }, t("import.store"));
  file.addEventListener("change", async () => {
    if (file.files[0]) text.value = await file.files[0].text();
  });
  const check = async () => {
    checked = null;
    store.disabled = true;
    show(outcome, h("p", { className: "muted", role: "status" }, t("form.sending")));
    const { rows, problems } = readSheet(text.value, cycleId);
    if (problems.length) return show(outcome, problemsTable(problems));
    try {
      const result = await send(rows, true);
      checked = { rows, source: text.value, cycleId };
      store.disabled = false;
      show(outcome, h("p", { className: "ok" }, t("import.checked", { rows: rows.length })), preview(result));
    } catch (error) {
      show(
        outcome,
        error.problems?.length ? problemsTable(rowProblems(error, rows, "rows", columnOf)) : errorLine(error),
      );
    }
  };
  store.addEventListener("click", async () => {
    if (!checked || checked.source !== text.value || checked.cycleId !== cycleId) return check();
    store.disabled = true;
    try {
      const result = await send(checked.rows, false);
      show(outcome, h("p", { className: "ok", role: "status" }, t("import.stored", result)), preview(result));
    } catch (error) {
      show(outcome, errorLine(error));
    }
  });
  show(
    page,
    h("h1", {}, t("import.title")),
    h("p", { id: "sheet-hint" }, t("import.hint", { columns: REQUIRED.join(", ") })),
    h(
      "form",
      {
        className: "card",
        id: "import",
        onSubmit: (event) => {
          event.preventDefault();
          check();
        },
      },
      field(
        t("import.cycle"),
        select(
          cycles,
          cycleId,
          (value) => {
            cycleId = value;
          },
          { name: "cycle" },
        ),
      ),
      field(t("import.file"), file),
      field(t("import.sheet"), text),
      h("div", { className: "actions" }, h("button", { type: "submit" }, t("import.check")), store),
    ),
    outcome,
  );
}

// The column of a refused field of a row: a score's dimension, or its weight.
function columnOf(row, field) {
  const score = SCORE_FIELD.exec(field);
  if (!score) return COLUMNS[field] ?? field;
  const dimension = row.columns[Number(score[1])];
  return score[2] === "weight" ? `${dimension} weight` : dimension;
}

function errorLine(error) {
  return h("p", { className: "error", role: "alert" }, refusal(error));
}

async function send(rows, dryRun) {
  const input = { dryRun, rows: rows.map((row) => row.input) };
  return (await graphql(IMPORT_RESULTS, { input })).importPublishedResults;
}

// The sheet's rows as the service takes them, each with its line and the column of each
// score; or what is wrong with the sheet itself, by line and column.
function readSheet(source, cycleId) {
  const { columns, rows } = parseCsv(source);
  const problems = [];
  for (const name of REQUIRED) {
    if (!columns.includes(name)) problems.push({ line: 1, column: name, message: t("import.missingColumn") });
  }
  if (!rows.length) problems.push({ line: 1, column: "", message: t("import.empty") });
  if (problems.length) return { rows: [], problems };
  const read = rows.map(({ line, cells }) => {
    const number = (column) => {
      const value = decimal(cells[column]);
      if (Number.isNaN(value)) problems.push({ line, column, message: t("import.notANumber") });
      return value;
    };
    const scored = DIMENSIONS.filter((d) => (cells[d] ?? "") !== "");
    const input = {
      regionCode: cells.region,
      cycleId,
      year: number("year"),
      cohort: cells.cohort,
      finalIndex: number("final"),
      document: cells.document,
      grade: cells.grade || null,
      scores: scored.map((d) => ({
        dimension: d.replace(" ", "_"),
        score: number(d),
        weight: number(`${d} weight`),
      })),
    };
    return { line, input, columns: scored };
  });
  return { rows: read, problems };
}

function preview(result) {
  return h(
    "table",
    { className: "grid", id: "preview" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ["region", "year", "final", "grade", "flags"].map((key) => h("th", {}, t(`import.column.${key}`))),
      ),
    ),
    h(
      "tbody",
      {},
      result.scorecards.map((card) =>
        h(
          "tr",
          {},
          h("td", {}, card.regionCode),
          h("td", {}, card.year),
          h("td", { className: "number" }, index(card.finalIndex)),
          h("td", {}, card.grade ?? "–"),
          h("td", {}, card.flags.map((f) => f.message).join("; ") || "–"),
        ),
      ),
    ),
  );
}
