// A sheet of programs from the browser: a CSV (as a spreadsheet saves it) checked whole by a
// dry run, every problem shown at its line and column, and imported only when none is left.
// Programs the region already has (by name) are skipped, so a sheet sent again adds nothing.

import { graphql } from "../api.js";
import { parseCsv } from "../csv.js";
import { field, h, select, show } from "../dom.js";
import { t } from "../i18n.js";
import { go } from "../navigation.js";
import { problemsTable, rowProblems } from "../problems.js";
import { refusal } from "../submitting.js";
import { IMPORT_PROGRAMS } from "../work_queries.js";

const REQUIRED = ["name", "dimension", "sub dimension", "agency", "start year", "target year"];
const PHASES = ["planning", "implementation", "operation", "completed"];
const FUNDING = ["apbd", "apbn", "private", "community", "other"];
const COLUMNS = {
  name: "name",
  dimension: "dimension",
  subDimension: "sub dimension",
  agency: "agency",
  startYear: "start year",
  targetYear: "target year",
  shortName: "short name",
  longName: "long name",
  description: "description",
  phase: "phase",
  fundingSources: "funding",
};

export function programImport(region, dimensions) {
  let masterplanId = region.masterplans[0].id;
  const text = h("textarea", { name: "programs-sheet", rows: 6, spellcheck: "false" });
  const file = h("input", { type: "file", name: "programs-file", accept: ".csv,text/csv" });
  const outcome = h("div", { id: "program-import-outcome", "aria-live": "polite" });
  file.addEventListener("change", async () => {
    if (file.files[0]) text.value = await file.files[0].text();
  });
  const run = async (dryRun) => {
    show(outcome, h("p", { className: "muted", role: "status" }, t("form.sending")));
    const { rows, problems } = readSheet(text.value, dimensions);
    if (problems.length) return show(outcome, problemsTable(problems));
    const input = { masterplanId, dryRun, programs: rows.map((row) => row.input) };
    try {
      const { importPrograms: done } = await graphql(IMPORT_PROGRAMS, { input });
      if (!dryRun) return go("/workspace", [t("programImport.stored", done), "ok"]);
      show(
        outcome,
        h("p", { className: "ok", role: "status" }, t("programImport.checked", done)),
        importButton,
      );
    } catch (error) {
      const rowsRefused = error.problems?.length
        ? rowProblems(error, rows, "programs", (_, f) => COLUMNS[f] ?? f)
        : null;
      show(
        outcome,
        rowsRefused
          ? problemsTable(rowsRefused)
          : h("p", { className: "error", role: "alert" }, refusal(error)),
      );
    }
  };
  const importButton = h("button", { type: "button", onClick: () => run(false) }, t("programImport.store"));
  return h(
    "section",
    { className: "card", id: "program-import" },
    h("h2", {}, t("programImport.title")),
    h("p", {}, t("programImport.hint", { columns: REQUIRED.join(", ") })),
    h(
      "form",
      {
        onSubmit: (event) => {
          event.preventDefault();
          run(true);
        },
      },
      field(
        t("programs.masterplan"),
        select(
          region.masterplans.map((m) => [m.id, `${m.title} (${m.periodStart}–${m.periodEnd})`]),
          masterplanId,
          (value) => {
            masterplanId = value;
          },
          { name: "import-masterplan" },
        ),
      ),
      field(t("import.file"), file),
      field(t("import.sheet"), text),
      h("button", { type: "submit" }, t("import.check")),
    ),
    outcome,
  );
}

// The sheet's rows as the service takes them, each with its line; or what is wrong with the
// sheet itself (a missing column, a year that is not a number), by line and column.
function readSheet(source, dimensions) {
  const { columns, rows } = parseCsv(source);
  const problems = REQUIRED.filter((name) => !columns.includes(name)).map((column) => ({
    line: 1,
    column,
    message: t("import.missingColumn"),
  }));
  if (!rows.length) problems.push({ line: 1, column: "", message: t("import.empty") });
  if (problems.length) return { rows: [], problems };
  const keyOf = (text, choices) => {
    const wanted = text.trim().toLowerCase();
    return choices.find((c) => c.key === wanted || c.name.toLowerCase() === wanted)?.key ?? text.trim();
  };
  const read = rows.map(({ line, cells }) => {
    const year = (column) => {
      if (!/^\d{4}$/.test(cells[column])) problems.push({ line, column, message: t("import.notAYear") });
      return Number(cells[column]);
    };
    const dimension = keyOf(cells.dimension, dimensions);
    const subs = dimensions.find((d) => d.key === dimension)?.subDimensions ?? [];
    const phase = (cells.phase ?? "").toLowerCase() || "planning";
    if (!PHASES.includes(phase))
      problems.push({
        line,
        column: "phase",
        message: t("programImport.phase", { phases: PHASES.join(", ") }),
      });
    const funding = (cells.funding ?? "")
      .split(",")
      .map((f) => f.trim().toLowerCase())
      .filter(Boolean);
    if (funding.some((f) => !FUNDING.includes(f)))
      problems.push({
        line,
        column: "funding",
        message: t("programImport.funding", { sources: FUNDING.join(", ") }),
      });
    const input = {
      name: cells.name,
      dimension,
      subDimension: keyOf(cells["sub dimension"], subs),
      agency: cells.agency,
      startYear: year("start year"),
      targetYear: year("target year"),
      shortName: cells["short name"] ?? "",
      longName: cells["long name"] ?? "",
      description: cells.description ?? "",
      phase: phase.toUpperCase(),
      fundingSources: funding.map((f) => f.toUpperCase()),
    };
    return { line, input };
  });
  return { rows: read, problems };
}
