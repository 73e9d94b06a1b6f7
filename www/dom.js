// Small DOM helpers shared by the page's modules.

/** A table row of `cells`; `names[i]`, when given, becomes cell i's `data-col`. */
export function tableRow(cells, names = []) {
  const tr = document.createElement("tr");
  cells.forEach((value, i) => {
    const td = document.createElement("td");
    td.textContent = String(value);
    if (names[i]) td.dataset.col = names[i];
    tr.append(td);
  });
  return tr;
}

/**
 * A number field for a param `{ name, description, min, max, default }`: its label names the
 * input only; the range and the error are beside it, tied to it with aria-describedby. The
 * input's id is `${prefix}-${name}`.
 */
export function numberField(param, prefix) {
  const box = document.createElement("div");
  box.className = "field";
  const id = `${prefix}-${param.name}`;
  box.innerHTML = `<label></label><input type="number" step="1" required><span class="param-help"></span><span class="field-error"></span>`;
  const label = box.querySelector("label");
  label.textContent = param.name;
  label.htmlFor = id;
  const input = box.querySelector("input");
  Object.assign(input, { name: param.name, id, value: param.default });
  input.min = String(param.min);
  input.max = String(param.max);
  const help = box.querySelector(".param-help");
  help.id = `${id}-help`;
  help.textContent = `${param.description}; ${param.min.toLocaleString("en")} to ${param.max.toLocaleString("en")}`;
  const error = box.querySelector(".field-error");
  error.id = `${id}-error`;
  input.setAttribute("aria-describedby", `${help.id} ${error.id}`);
  return box;
}

/** Says `text` in the page's live region (screen readers read it; nothing shows). */
export function announce(text) {
  const region = document.getElementById("announce");
  if (region) region.textContent = text;
}
