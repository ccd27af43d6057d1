// verzendcheck page: send each file to /api/scan, show the answer, offer the redacted copy.
// Everything that comes from a file is shown with textContent, never as HTML.
"use strict";

(function () {
  const VERDICTS = {
    pass: ["In orde", "Er is niets gevonden dat het versturen tegenhoudt."],
    warn: ["Let op", "Lees de punten hieronder. Verstuur alleen met een motivering of na aanpassing."],
    block: ["Niet versturen", "Dit mag zo niet weg. Pas het aan zoals hieronder staat."],
  };
  const SEVERITY = { block: "Niet versturen", warn: "Let op", info: "Ter info" };
  const ENTITY = {
    V_NUMBER: "V-nummer", BSN: "BSN", KLANTNUMMER: "klantnummer", PERSON: "naam", ADDRESS: "adres",
    PHONE_NUMBER: "telefoonnummer", EMAIL_ADDRESS: "e-mailadres", DATE_OF_BIRTH: "geboortedatum",
    IBAN: "IBAN", ID_DOCUMENT: "identiteitsdocument", LICENSE_PLATE: "kenteken",
    SPECIAL_CATEGORY: "bijzonder persoonsgegeven", CRIMINAL_DATA: "strafrechtelijk gegeven",
    ASYLUM_MOTIVE: "asielrelaas",
  };
  const SUBCATEGORY = {
    ethnicity: "etnische afkomst", political: "politieke opvatting", religion: "religie",
    trade_union: "vakbond", genetic: "genetisch", biometric: "biometrisch", health: "gezondheid",
    sexual_orientation: "seksuele geaardheid",
  };
  const REDACTABLE = /\.(pdf|docx)$/i;
  const OPEN_FINDINGS = 25;

  const form = document.getElementById("check-form");
  const input = document.getElementById("files");
  const zone = document.getElementById("dropzone");
  const results = document.getElementById("results");
  const status = document.getElementById("status");
  let current = []; // {file, card}
  let lastFiles = []; // the files of the last check (dropped files are not in the input)

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else node.setAttribute(key, value);
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  function addresses() {
    const data = {};
    for (const name of ["sender", "to", "cc"]) {
      const value = document.getElementById(name).value.trim();
      if (value) data[name] = value;
    }
    return data;
  }

  async function post(url, fields) {
    const body = new FormData();
    for (const [key, value] of Object.entries(fields)) {
      if (value instanceof File) body.append(key, value, value.name);
      else body.append(key, value);
    }
    const response = await fetch(url, { method: "POST", body: body, credentials: "same-origin" });
    if (!response.ok) {
      let message = "De controle is mislukt (" + response.status + ").";
      try {
        const data = await response.json();
        if (data && typeof data.error === "string") message = data.error;
      } catch (err) { /* not JSON: keep the general message */ }
      throw new Error(message);
    }
    return response;
  }

  function scan(file, reveal) {
    const fields = Object.assign({ file: file }, addresses());
    if (reveal) fields.reveal = "true";
    return post("/api/scan", fields).then((r) => r.json()).then((list) => list[0]);
  }

  function where(finding) {
    const parts = { subject: "onderwerp", body: "tekst van de mail" };
    let text = parts[finding.part] || ("bijlage " + (finding.attachment || ""));
    if (finding.page) text += ", pagina " + finding.page;
    return text;
  }

  function entityLabel(finding) {
    let label = ENTITY[finding.entity] || finding.entity;
    if (finding.subcategory) label += " (" + (SUBCATEGORY[finding.subcategory] || finding.subcategory) + ")";
    return label;
  }

  function renderFindings(entry, result) {
    const box = entry.findingsBox;
    box.replaceChildren();
    const findings = result.findings || [];
    if (!findings.length) {
      box.append(el("p", { text: "Geen persoonsgegevens gevonden." }));
      return;
    }
    const list = el("ul", { class: "findings" });
    for (const finding of findings) {
      const item = el("li", {},
        el("span", { class: "entity", text: entityLabel(finding) }), " ",
        el("span", { class: "where", text: "— " + where(finding) }));
      const context = finding.context;
      const shown = entry.revealed && finding.text !== undefined ? finding.text : finding.masked;
      if (context) {
        item.append(el("span", { class: "context" }, context.before, el("mark", { text: context.match }),
          context.after));
      } else {
        item.append(el("span", { class: "context" }, el("mark", { text: shown })));
      }
      list.append(item);
    }
    const counts = new Map();
    for (const finding of findings) {
      const label = ENTITY[finding.entity] || finding.entity;
      counts.set(label, (counts.get(label) || 0) + 1);
    }
    box.append(el("p", { class: "counts", text: Array.from(counts, ([label, n]) => n + "× " + label).join(" · ") }));
    const details = el("details", {}, el("summary", { text: "Toon alle " + findings.length + " vondsten" }), list);
    details.open = entry.open !== undefined ? entry.open : findings.length <= OPEN_FINDINGS;
    details.addEventListener("toggle", () => { entry.open = details.open; });
    box.append(details);
  }

  function keptPages(result, attachment) {
    for (const s of result.suggestions || []) {
      if (s.action === "keep_pages" && s.attachment === attachment && Array.isArray(s.pages)) return s.pages;
    }
    return null;
  }

  function downloadButtons(entry, result) {
    const box = el("div", { class: "actions" });
    const documents = (result.documents || []).filter((d) =>
      d.part === "attachment" && d.attachment && !d.attachment.includes("/") && REDACTABLE.test(d.attachment));
    for (const doc of documents) {
      const pages = keptPages(result, doc.attachment);
      let label = "Download geanonimiseerde kopie van " + doc.attachment;
      if (pages) label += " (alleen pagina " + pages.join(", ") + ")";
      const button = el("button", { type: "button", class: "download", text: label });
      button.addEventListener("click", () => download(entry, doc, pages, button));
      box.append(button);
    }
    return documents.length ? box : null;
  }

  async function download(entry, doc, pages, button) {
    const fields = { file: entry.file };
    if (doc.attachment !== entry.file.name) fields.attachment = doc.attachment;
    if (pages) {
      fields.keep_pages = pages.join(",");
      if (doc.kind === "beschikking") fields.beschikking = "true";
    }
    button.disabled = true;
    say("Geanonimiseerde kopie wordt gemaakt…");
    try {
      const response = await post("/api/redact", fields);
      const blob = await response.blob();
      const name = fileName(response.headers.get("Content-Disposition")) || "geanonimiseerd";
      const url = URL.createObjectURL(blob);
      const link = el("a", { href: url, download: name });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      say("De geanonimiseerde kopie is gedownload: " + name + ".");
    } catch (err) {
      say(err.message);
      entry.card.append(el("p", { class: "error", role: "alert", text: err.message }));
    } finally {
      button.disabled = false;
    }
  }

  function fileName(disposition) {
    if (!disposition) return null;
    const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
    if (star) return decodeURIComponent(star[1]);
    const plain = /filename="([^"]+)"/i.exec(disposition);
    return plain ? plain[1] : null;
  }

  function renderResult(entry, result) {
    const card = entry.card;
    card.replaceChildren(entry.heading);
    const [title, explanation] = VERDICTS[result.verdict] || [result.verdict, ""];
    card.append(el("p", { class: "banner " + result.verdict, "data-verdict": result.verdict },
      el("strong", { text: title }), explanation));
    const violations = result.violations || [];
    if (violations.length) {
      card.append(el("h3", { text: "Wat is er aan de hand" }));
      const list = el("ol", { class: "violations" });
      for (const v of violations) {
        const item = el("li", { "data-rule": v.rule },
          el("p", {}, el("span", { class: "sev", text: (SEVERITY[v.severity] || v.severity) + ": " }),
            el("span", { class: "rule", text: v.rule })),
          el("p", { class: "message", text: v.message }));
        if (v.recipients && v.recipients.length) {
          item.append(el("p", { class: "recipients", text: "Geldt voor: " + v.recipients.join(", ") }));
        }
        if (v.fix) item.append(el("p", { class: "fix" }, el("strong", { text: "Wat te doen: " }), v.fix));
        if (v.source) item.append(el("p", { class: "source", text: "Bron: " + v.source }));
        list.append(item);
      }
      card.append(list);
    }
    if (result.motivation) card.append(el("p", { text: "Motivering in het bericht: " + result.motivation }));
    const buttons = downloadButtons(entry, result);
    if (buttons) card.append(el("h3", { text: "Geanonimiseerde kopie" }), buttons);

    card.append(el("h3", { text: "Gevonden gegevens (" + (result.findings || []).length + ")" }));
    if ((result.findings || []).length) {
      const id = entry.heading.id + "-reveal";
      const toggle = el("input", { type: "checkbox", id: id, class: "reveal" });
      toggle.checked = entry.revealed;
      toggle.addEventListener("change", () => reveal(entry, toggle));
      card.append(el("label", { class: "reveal-toggle", for: id }, toggle,
        "Toon de gevonden gegevens (alleen in deze browser)"));
    }
    entry.findingsBox = el("div", { class: "findings-box" });
    card.append(entry.findingsBox);
    renderFindings(entry, result);
  }

  async function reveal(entry, toggle) {
    const focusId = toggle.id;
    if (!toggle.checked) {
      entry.revealed = false;
      entry.revealedResult = null; // forget the values
      renderResult(entry, entry.result);
    } else {
      toggle.disabled = true;
      try {
        entry.revealedResult = entry.revealedResult || await scan(entry.file, true);
        entry.revealed = true;
        renderResult(entry, entry.revealedResult);
      } catch (err) {
        toggle.checked = false;
        toggle.disabled = false;
        say(err.message);
        return;
      }
    }
    const again = document.getElementById(focusId);
    if (again) again.focus();
  }

  function say(text) {
    status.textContent = text;
  }

  async function check(files) {
    const list = Array.from(files || []);
    if (!list.length) {
      say("Kies eerst een of meer bestanden.");
      return;
    }
    lastFiles = list;
    current = [];
    results.replaceChildren();
    say(list.length === 1 ? "Het bestand wordt gecontroleerd…" : list.length + " bestanden worden gecontroleerd…");
    let done = 0;
    const jobs = list.map((file, index) => {
      const heading = el("h2", { id: "result-" + index, tabindex: "-1", text: file.name });
      const card = el("section", { class: "result", "aria-labelledby": heading.id }, heading,
        el("p", { class: "banner busy", text: "Bezig met controleren…" }));
      results.append(card);
      const entry = { file: file, card: card, heading: heading, revealed: false };
      current.push(entry);
      return scan(file, false).then((result) => {
        entry.result = result;
        renderResult(entry, result);
      }).catch((err) => {
        card.replaceChildren(heading, el("p", { class: "error", role: "alert", text: err.message }));
      }).finally(() => {
        done += 1;
      });
    });
    await Promise.all(jobs);
    say(done === 1 ? "Controle klaar." : "Controle klaar: " + done + " bestanden.");
    if (current.length) current[0].heading.focus();
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    check(input.files.length ? input.files : lastFiles);
  });
  input.addEventListener("change", () => check(input.files));
  document.getElementById("clear-button").addEventListener("click", () => {
    form.reset();
    lastFiles = [];
    current = [];
    results.replaceChildren();
    say("Alles is gewist.");
    input.focus();
  });

  for (const type of ["dragenter", "dragover"]) {
    zone.addEventListener(type, (event) => {
      event.preventDefault();
      zone.classList.add("dragging");
    });
  }
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    if (event.dataTransfer && event.dataTransfer.files.length) check(event.dataTransfer.files);
  });
  // A file dropped next to the zone must not make the browser open (and leave) the page.
  window.addEventListener("dragover", (event) => event.preventDefault());
  window.addEventListener("drop", (event) => event.preventDefault());
})();
