/* The profile editor's relation tree (profiles/admin/editor.py; templates relation_tree.html and
 * relation_row.html). Plain script, no build step. It fills each relation's operation select from
 * the chosen source's connector catalogue (embedded in the page as JSON), shows the operation's
 * fields as checklists that write the JSON lists the form posts, shows which fields of the parent
 * an input expression can read, and adds a relation (top-level, or as a child under a saved one)
 * in place. A child names its parent by the parent's saved id, so a relation that is not saved yet
 * offers "save and continue editing" instead (relation_row.html). The form posts the same fields as
 * without this script: the server validates all. */
(function () {
  "use strict";

  function parseList(text) {
    try {
      const value = JSON.parse(text || "[]");
      return Array.isArray(value) ? value.map(String) : [];
    } catch (e) {
      return [];
    }
  }

  function covered(path, chosen) {
    return chosen.some((c) => path === c || path.startsWith(c + "."));
  }

  function element(tag, attrs, text) {
    const el = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => el.setAttribute(k, v));
    if (text !== undefined) el.textContent = text;
    return el;
  }

  function init(tree) {
    const catalogue = JSON.parse(document.getElementById("iko-catalogue").textContent);
    const texts = tree.dataset;
    const prefix = tree.dataset.prefix;
    const rowsBox = tree.querySelector(".iko-rows");
    const total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    const initial = document.getElementById("id_" + prefix + "-INITIAL_FORMS");

    function field(row, name) {
      return row.querySelector("[name='" + row.dataset.prefix + "-" + name + "']");
    }

    function operationOf(row) {
      const source = catalogue[field(row, "source").value];
      return source ? source.operations[field(row, "operation").value] : undefined;
    }

    function fillOperations(row) {
      const select = field(row, "operation");
      const source = catalogue[field(row, "source").value];
      const current = select.value;
      select.textContent = "";
      select.appendChild(element("option", { value: "" }, "---------"));
      const names = source ? Object.keys(source.operations) : [];
      names.forEach((name) => select.appendChild(element("option", { value: name }, name)));
      if (current && !names.includes(current)) {
        // Kept so that the admin sees it: saving refuses an operation the source does not have.
        select.appendChild(element("option", { value: current }, current));
      }
      select.value = current;
      if (!select.value && names.length === 1) select.value = names[0];
    }

    function checklist(row, target, options, chosen, note) {
      const box = row.querySelector(".iko-checklist[data-target='" + target + "']");
      const input = field(row, target);
      box.textContent = "";
      if (note) box.appendChild(element("p", { class: "help" }, note));
      if (!options.length) return;
      const filter = element("input", { type: "search", class: "iko-filter", placeholder: texts.textFilter,
                                        "aria-label": texts.textFilter });
      const count = element("span", { class: "iko-count" });
      const list = element("ul", { class: "iko-list" });
      const update = () => {
        const ticked = Array.from(list.querySelectorAll("input:checked")).map((i) => i.value);
        const before = parseList(input.value);
        // Written only when the choice differs: an untouched relation posts its own text, so
        // saving the profile does not record it as changed.
        if (before.length !== ticked.length || before.some((path) => !ticked.includes(path))) {
          input.value = JSON.stringify(ticked);
        }
        count.textContent = ticked.length + " / " + options.length + " " + texts.textChosen;
        summarise(row);
        list.querySelectorAll("li").forEach((li) => {
          const path = li.dataset.path;
          li.classList.toggle("iko-implied", !li.querySelector("input").checked && covered(path, ticked));
        });
        input.dispatchEvent(new Event("iko:changed", { bubbles: true }));
      };
      options.forEach((path) => {
        // Shown as a tree: a path under another listed path shows only its last part, indented.
        const dot = path.lastIndexOf(".");
        const nested = dot > 0 && options.some((o) => path.startsWith(o + "."));
        const level = nested ? options.filter((o) => path.startsWith(o + ".")).length : 0;
        const li = element("li", { "data-path": path, style: "--level: " + level, title: path });
        const id = row.dataset.prefix + "-" + target + "-" + path.replace(/[^A-Za-z0-9_]/g, "_");
        const box = element("input", { type: "checkbox", value: path, id: id, name: "" });
        box.checked = chosen.includes(path);
        box.addEventListener("change", update);
        li.appendChild(box);
        li.appendChild(element("label", { for: id }, nested ? path.slice(dot + 1) : path));
        list.appendChild(li);
      });
      const onlyTicked = element("input", { type: "checkbox", class: "iko-only-ticked", name: "" });
      const onlyLabel = element("label", { class: "iko-only-label" });
      onlyLabel.appendChild(onlyTicked);
      onlyLabel.appendChild(document.createTextNode(" " + texts.textOnlyTicked));
      const narrow = () => {
        const words = filter.value.toLowerCase();
        list.querySelectorAll("li").forEach((li) => {
          li.hidden = Boolean((words && !li.dataset.path.toLowerCase().includes(words))
                              || (onlyTicked.checked && !li.querySelector("input").checked));
        });
      };
      filter.addEventListener("input", narrow);
      onlyTicked.addEventListener("change", narrow);
      const head = element("div", { class: "iko-checklist-head" });
      head.appendChild(filter);
      head.appendChild(count);
      head.appendChild(onlyLabel);
      box.appendChild(head);
      box.appendChild(list);
      // Values that are not in the catalogue stay in the JSON (the server names them at save).
      const unknown = chosen.filter((c) => !options.includes(c));
      if (unknown.length) {
        box.appendChild(element("p", { class: "errornote iko-unknown" }, unknown.join(", ")));
      } else {
        update();
      }
    }

    function summarise(row) {
      // The closed relation's line: operation, and how many fields it asks for and releases.
      const asked = parseList(field(row, "fields").value).length;
      const released = parseList(field(row, "release_fields").value).length;
      const operation = field(row, "operation").value;
      row.querySelector(".iko-summary").textContent = operation
        ? "(" + operation + ": " + asked + " " + texts.textAsked + ", " + (released || asked) + " " + texts.textReleased + ")"
        : "";
    }

    function showFields(row) {
      const operation = operationOf(row);
      const chosen = parseList(field(row, "fields").value);
      checklist(row, "fields", operation ? operation.fields : [], chosen, operation ? "" : texts.textNoOperation);
      showRelease(row);
      showOperation(row, operation);
    }

    function showRelease(row) {
      const chosen = parseList(field(row, "fields").value);
      // A field no longer asked for cannot be released: it drops out of the release list.
      const released = parseList(field(row, "release_fields").value).filter((r) => covered(r, chosen));
      checklist(row, "release_fields", chosen, released, chosen.length ? texts.textReleaseAll : texts.textNoneChosen);
    }

    function showOperation(row, operation) {
      const info = row.querySelector(".iko-operation-info");
      info.textContent = "";
      if (!operation) return;
      const parts = [operation.description];
      if (operation.params.length) parts.push(texts.textParams + " " + operation.params.join(", ") + ".");
      if (operation.subjectTypes.length) parts.push(texts.textSubjectTypes + " " + operation.subjectTypes.join(", ") + ".");
      if (operation.many) parts.push(texts.textMany);
      info.textContent = parts.filter(Boolean).join(" ");
    }

    function insertAt(textarea, text) {
      const start = textarea.selectionStart ?? textarea.value.length;
      const end = textarea.selectionEnd ?? start;
      textarea.value = textarea.value.slice(0, start) + text + textarea.value.slice(end);
      textarea.focus();
      textarea.selectionStart = textarea.selectionEnd = start + text.length;
    }

    function rowByPk(pk) {
      return pk ? rowsBox.querySelector(".iko-relation[data-pk='" + pk + "']") : null;
    }

    function showInputs(row) {
      const box = row.querySelector(".iko-inputs");
      const expression = field(row, "input_expression");
      const parentSelect = field(row, "parent");
      const parent = parentSelect ? rowByPk(parentSelect.value) : null;
      box.textContent = "";
      let title;
      let paths;
      if (parent) {
        paths = parseList(field(parent, "fields").value).map((p) => "." + p);
        title = paths.length ? texts.textParentFields : texts.textParentNone;
      } else {
        paths = ["$subject.value", "$subject.type"];
        title = texts.textSubject;
      }
      box.appendChild(element("div", { class: "help" }, title));
      const operation = operationOf(row);
      const chips = element("div", { class: "iko-chips" });
      (operation ? operation.params : []).forEach((param) => {
        const chip = element("button", { type: "button", class: "iko-chip iko-chip-param", "data-param": param }, param + ":");
        chip.addEventListener("click", () => insertAt(expression, param + ": "));
        chips.appendChild(chip);
      });
      paths.forEach((path) => {
        const chip = element("button", { type: "button", class: "iko-chip", "data-path": path }, path);
        chip.addEventListener("click", () => insertAt(expression, path));
        chips.appendChild(chip);
      });
      box.appendChild(chips);
    }

    function childrenOf(pk) {
      return Array.from(rowsBox.querySelectorAll(".iko-relation")).filter((r) => {
        const select = field(r, "parent");
        return pk && select && select.value === pk;
      });
    }

    function refreshChildren(row) {
      childrenOf(row.dataset.pk).forEach(showInputs);
    }

    function setup(row) {
      field(row, "source").addEventListener("change", () => { fillOperations(row); showFields(row); showInputs(row); });
      field(row, "operation").addEventListener("change", () => { showFields(row); showInputs(row); });
      row.addEventListener("iko:changed", (event) => {
        if (event.target === field(row, "fields")) { showRelease(row); refreshChildren(row); }
      });
      const parentSelect = field(row, "parent");
      if (parentSelect) parentSelect.addEventListener("change", () => showInputs(row));
      const add = row.querySelector(".iko-add-child");
      if (add) add.addEventListener("click", () => addRelation(row));
      const remove = row.querySelector(".iko-remove");
      if (remove) remove.addEventListener("click", () => removeRelation(row));
      fillOperations(row);
      showFields(row);
      showInputs(row);
      summarise(row);
    }

    function lastDescendant(row) {
      let last = row;
      let next = row.nextElementSibling;
      const depth = Number(row.dataset.depth);
      while (next && Number(next.dataset.depth) > depth) {
        last = next;
        next = next.nextElementSibling;
      }
      return last;
    }

    function addRelation(parentRow) {
      const index = Number(total.value);
      const html = document.getElementById("iko-relation-template").innerHTML.replace(/__prefix__/g, String(index));
      const holder = document.createElement("div");
      holder.innerHTML = html.trim();
      const row = holder.firstElementChild;
      total.value = String(index + 1);
      const empty = rowsBox.querySelector(".iko-empty");
      if (empty) empty.remove();
      if (parentRow) {
        const depth = Number(parentRow.dataset.depth) + 1;
        row.dataset.depth = String(depth);
        row.style.setProperty("--depth", String(depth));
        row.querySelector(".iko-branch").textContent = "\u2514\uFE0E";
        field(row, "parent").value = parentRow.dataset.pk;
        field(row, "source").value = field(parentRow, "source").value;
        lastDescendant(parentRow).after(row);
      } else {
        rowsBox.appendChild(row);
      }
      setup(row);
      field(row, "name").focus();
      return row;
    }

    function removeRelation(row) {
      row.remove();
      // Django's formset reads forms 0..TOTAL_FORMS-1 and the new ones follow the saved ones:
      // renumber the remaining new forms so that no index is left out.
      const first = Number(initial.value);
      const added = Array.from(rowsBox.querySelectorAll(".iko-relation"))
        .filter((r) => Number(r.dataset.prefix.split("-").pop()) >= first)
        .sort((a, b) => Number(a.dataset.prefix.split("-").pop()) - Number(b.dataset.prefix.split("-").pop()));
      added.forEach((r, i) => {
        const old = r.dataset.prefix;
        const renamed = prefix + "-" + (first + i);
        if (old === renamed) return;
        r.querySelectorAll("[name], [id], [for]").forEach((el) => {
          ["name", "id", "for"].forEach((attr) => {
            const value = el.getAttribute(attr);
            if (value && value.includes(old + "-")) el.setAttribute(attr, value.replace(old + "-", renamed + "-"));
          });
        });
        r.dataset.prefix = renamed;
        r.id = renamed;
      });
      total.value = String(first + added.length);
    }

    rowsBox.querySelectorAll(".iko-relation").forEach(setup);
    const root = document.getElementById("iko-add-root");
    if (root) root.addEventListener("click", () => addRelation(null));
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll(".iko-tree").forEach(init);
  });
})();
