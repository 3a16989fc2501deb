// A region's programs by the six smart city dimensions: each with its phase and progress, a
// form to change it and one to report its progress with evidence links; and a form that
// adds a program to a masterplan.

import { graphql } from "../api.js";
import { field, h, select, show } from "../dom.js";
import { number, t } from "../i18n.js";
import { go } from "../navigation.js";
import { submitting } from "../submitting.js";
import { ADD_PROGRAM, REPORT_PROGRESS, UPDATE_PROGRAM } from "../work_queries.js";

const PHASES = ["PLANNING", "IMPLEMENTATION", "OPERATION", "COMPLETED"];
const STAGES = ["PLANNING", "IMPLEMENTATION"];

export function programsByDimension(region, dimensions) {
  return h(
    "section",
    { className: "card", id: "programs" },
    h("h2", {}, t("programs.title")),
    region.masterplans.length
      ? h("details", {}, h("summary", {}, t("programs.add")), programForm(region, dimensions, null))
      : h("p", { className: "muted" }, t("programs.needMasterplan")),
    dimensions.map((dimension) => {
      const own = region.programs.filter((p) => p.dimension === dimension.key);
      return h(
        "div",
        { className: "dimension", dataset: { dimension: dimension.key } },
        h("h3", {}, `${dimension.name} (${own.length})`),
        own.length
          ? h(
              "ul",
              { className: "programs" },
              own.map((p) => programItem(p, region, dimensions)),
            )
          : h("p", { className: "muted" }, t("programs.none")),
      );
    }),
  );
}

function programItem(program, region, dimensions) {
  const sub = dimensions.flatMap((d) => d.subDimensions).find((s) => s.key === program.subDimension);
  return h(
    "li",
    { dataset: { program: program.id } },
    h("strong", {}, program.name),
    h(
      "span",
      { className: "muted" },
      ` · ${sub?.name ?? program.subDimension} · ${program.agency} · ${program.startYear}–${program.targetYear} · `,
      t(`phase.${program.phase.toLowerCase()}`),
      " · ",
      t("programs.percent", {
        planning: number(program.planningPercent, 0),
        implementation: number(program.implementationPercent, 0),
      }),
    ),
    h(
      "details",
      {},
      h("summary", {}, t("programs.change")),
      programForm(region, dimensions, program),
      progressForm(program),
    ),
  );
}

// Adds a program (`program` null) or changes one.
function programForm(region, dimensions, program) {
  const prefix = program ? `program-${program.id}` : "new-program";
  const name = h("input", { name: "name", required: true, maxlength: 300, value: program?.name ?? "" });
  const agency = h("input", { name: "agency", required: true, maxlength: 300, value: program?.agency ?? "" });
  const year = new Date().getFullYear();
  const start = h("input", {
    name: "startYear",
    type: "number",
    min: 2000,
    max: 2100,
    required: true,
    value: program?.startYear ?? year,
  });
  const target = h("input", {
    name: "targetYear",
    type: "number",
    min: 2000,
    max: 2100,
    required: true,
    value: program?.targetYear ?? year + 2,
  });
  const masterplan = select(
    region.masterplans.map((m) => [m.id, `${m.title} (${m.periodStart}–${m.periodEnd})`]),
    program?.masterplanId ?? region.masterplans[0]?.id,
    () => {},
    { name: "masterplanId", disabled: Boolean(program) },
  );
  const phase = select(
    PHASES.map((p) => [p, t(`phase.${p.toLowerCase()}`)]),
    program?.phase ?? "PLANNING",
    () => {},
    { name: "phase" },
  );
  let dimension = program?.dimension ?? dimensions[0].key;
  const subHolder = h("span");
  const paintSubs = (chosen) => {
    const found = dimensions.find((d) => d.key === dimension);
    show(
      subHolder,
      select(
        found.subDimensions.map((s) => [s.key, s.name]),
        chosen ?? found.subDimensions[0].key,
        () => {},
        { name: "subDimension" },
      ),
    );
  };
  paintSubs(program?.subDimension);
  const dimensionSelect = select(
    dimensions.map((d) => [d.key, d.name]),
    dimension,
    (value) => {
      dimension = value;
      paintSubs(null);
    },
    { name: "dimension" },
  );
  const status = h("p", { role: "status", className: "muted" });
  const form = h(
    "form",
    { id: prefix, className: "program-form" },
    h(
      "div",
      { className: "fields" },
      field(t("programs.masterplan"), masterplan),
      field(t("programs.name"), name),
      field(t("programs.dimension"), dimensionSelect),
      field(t("programs.subDimension"), subHolder),
      field(t("programs.agency"), agency),
      field(t("programs.startYear"), start),
      field(t("programs.targetYear"), target),
      field(t("programs.phase"), phase),
    ),
    status,
    h("button", { type: "submit" }, program ? t("programs.save") : t("programs.addButton")),
  );
  form.addEventListener(
    "submit",
    submitting(form, status, async () => {
      const values = {
        name: name.value,
        dimension,
        subDimension: subHolder.querySelector("select").value,
        agency: agency.value,
        startYear: Number(start.value),
        targetYear: Number(target.value),
        phase: phase.value,
      };
      if (program) {
        const changed = Object.fromEntries(
          Object.entries(values).filter(([key, value]) => program[key] !== value),
        );
        if (!Object.keys(changed).length) return t("programs.unchanged");
        await graphql(UPDATE_PROGRAM, { id: program.id, input: changed });
        go("/workspace", [t("programs.saved", { name: values.name }), "ok"]);
      } else {
        await graphql(ADD_PROGRAM, { input: { ...values, masterplanId: masterplan.value } });
        go("/workspace", [t("programs.added", { name: values.name }), "ok"]);
      }
    }),
  );
  return form;
}

function progressForm(program) {
  const stage = select(
    STAGES.map((s) => [s, t(`phase.${s.toLowerCase()}`)]),
    program.phase === "PLANNING" ? "PLANNING" : "IMPLEMENTATION",
    () => {},
    { name: "stage" },
  );
  const percent = h("input", {
    name: "percent",
    type: "number",
    min: 0,
    max: 100,
    step: "any",
    required: true,
  });
  const reportedOn = h("input", {
    name: "reportedOn",
    type: "date",
    required: true,
    value: new Date().toISOString().slice(0, 10),
  });
  const note = h("input", { name: "note", maxlength: 2000 });
  const evidence = h("textarea", { name: "evidence", rows: 2, placeholder: "https://…" });
  const status = h("p", { role: "status", className: "muted" });
  const form = h(
    "form",
    { className: "progress-form", id: `progress-${program.id}` },
    h("h4", {}, t("programs.reportProgress")),
    h(
      "div",
      { className: "fields" },
      field(t("programs.stage"), stage),
      field(t("programs.percentDone"), percent),
      field(t("programs.reportedOn"), reportedOn),
      field(t("programs.note"), note),
    ),
    field(t("programs.evidence"), evidence, t("programs.evidenceHint")),
    status,
    h("button", { type: "submit" }, t("programs.report")),
  );
  form.addEventListener(
    "submit",
    submitting(form, status, async () => {
      const links = evidence.value
        .split("\n")
        .map((line) => line.trim())
        .filter(Boolean);
      const input = {
        programId: program.id,
        stage: stage.value,
        percent: Number(percent.value),
        reportedOn: reportedOn.value,
        note: note.value,
        evidence: links,
      };
      await graphql(REPORT_PROGRESS, { input });
      go("/workspace", [t("programs.reported", { name: program.name }), "ok"]);
    }),
  );
  return form;
}
