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
