// The page's tabs: one section shown at a time, the keyboard pattern of a tablist (arrows,
// Home, End), and the address's #hash naming the open tab (#lab, #io, ...).

const tabs = () => [...document.querySelectorAll('.tabs [role="tab"]')];

/** Shows the panel of `tab` and hides the others; `focus` moves the keyboard focus to it. */
export function selectTab(tab, { focus = false } = {}) {
  for (const other of tabs()) {
    const selected = other === tab;
    other.setAttribute("aria-selected", String(selected));
    other.tabIndex = selected ? 0 : -1;
    document.getElementById(other.getAttribute("aria-controls")).hidden = !selected;
  }
  if (focus) tab.focus();
  const name = tab.id.replace(/^tab-/, "");
  history.replaceState(null, "", name === "compare" ? location.pathname + location.search : `#${name}`);
}

export function setUpTabs() {
  const list = tabs();
  for (const tab of list) {
    tab.addEventListener("click", () => selectTab(tab));
    tab.addEventListener("keydown", (event) => {
      const index = list.indexOf(tab);
      const to = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: list.length - 1 }[event.key];
      if (to === undefined) return;
      event.preventDefault();
      selectTab(list[(to + list.length) % list.length], { focus: true });
    });
  }
  const fromHash = () => {
    const named = document.getElementById(`tab-${location.hash.slice(1)}`);
    if (named && list.includes(named)) selectTab(named);
  };
  window.addEventListener("hashchange", fromHash);
  fromHash();
}
