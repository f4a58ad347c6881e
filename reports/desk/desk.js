// Keys: a accept, c correct, s skip, o open the whole reply; in the correction y / n for
// yes-no questions, p provided for documents, and Esc to close it; on the whole reply, Esc goes back to the queue.
document.addEventListener("DOMContentLoaded", () => {
  const panel = document.getElementById("correct");
  const open = () => {
    if (!panel) return;
    panel.hidden = false;
    const first = document.getElementById("value-input") || panel.querySelector("button, select");
    if (first) first.focus();
  };
  const close = () => {
    if (!panel || panel.hidden) return false;
    panel.hidden = true;
    document.activeElement && document.activeElement.blur();
    return true;
  };
  const opener = document.getElementById("open-correct");
  if (opener) opener.addEventListener("click", open);
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "Escape") {
      if (close()) { event.preventDefault(); return; }
      const back = document.getElementById("back");
      if (back) { event.preventDefault(); back.click(); }
      return;
    }
    const tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "select" || tag === "textarea") return;
    const click = (id) => { const el = document.getElementById(id); if (el) { event.preventDefault(); el.click(); } };
    const submit = (id) => { const f = document.getElementById(id); if (f) { event.preventDefault(); f.requestSubmit(); } };
    if (panel && !panel.hidden) {
      if (event.key === "y") click("yes");
      else if (event.key === "n") click("no");
      else if (event.key === "p") click("provided");
      return;
    }
    if (event.key === "a") submit("accept");
    else if (event.key === "s") submit("skip");
    else if (event.key === "c") { event.preventDefault(); open(); }
    else if (event.key === "o") click("open-reply");
    else if (event.key === "ArrowRight" || event.key === "]") click("next-page");
    else if (event.key === "ArrowLeft" || event.key === "[") click("prev-page");
  });
});
