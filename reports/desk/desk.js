// Keys: a accept, c correct, s skip; in the correction, y / n for yes-no questions.
document.addEventListener("DOMContentLoaded", () => {
  const panel = document.getElementById("correct");
  const open = () => {
    if (!panel) return;
    panel.hidden = false;
    const first = document.getElementById("value-input") || panel.querySelector("button, select");
    if (first) first.focus();
  };
  const opener = document.getElementById("open-correct");
  if (opener) opener.addEventListener("click", open);
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "select" || tag === "textarea") return;
    const click = (id) => { const el = document.getElementById(id); if (el) { event.preventDefault(); el.click ? el.click() : null; } };
    const submit = (id) => { const f = document.getElementById(id); if (f) { event.preventDefault(); f.requestSubmit(); } };
    if (event.key === "a") submit("accept");
    else if (event.key === "s") submit("skip");
    else if (event.key === "c") { event.preventDefault(); open(); }
    else if (panel && !panel.hidden && event.key === "y") click("yes");
    else if (panel && !panel.hidden && event.key === "n") click("no");
  });
});
