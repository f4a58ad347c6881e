(function () {
  var table = document.getElementById("authorities");
  if (!table) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var filter = document.getElementById("filter");
  var count = document.getElementById("shown");
  filter.hidden = false;
  document.getElementById("filter-label").hidden = false;
  filter.addEventListener("input", function () {
    var q = filter.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (row) {
      var hit = !q || row.getAttribute("data-search").indexOf(q) !== -1;
      row.hidden = !hit;
      if (hit) { shown += 1; }
    });
    count.textContent = shown + " of " + rows.length + " shown";
  });
  var heads = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(heads, function (th, col) {
    var button = document.createElement("button");
    button.type = "button";
    while (th.firstChild) { button.appendChild(th.firstChild); }
    th.appendChild(button);
    button.addEventListener("click", function () {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var keyed = rows.map(function (row) {
        var cell = row.cells[col];
        var key = cell.getAttribute("data-sort");
        if (key === null) { key = cell.textContent.trim(); }
        var number = parseFloat(key);
        return [isNaN(number) || key === "" ? null : number, key.toLowerCase(), row];
      });
      keyed.sort(function (a, b) {
        var d;
        if (a[0] !== null && b[0] !== null) { d = a[0] - b[0]; }
        else if (a[0] !== null || b[0] !== null) { d = a[0] === null ? 1 : -1; return d; }
        else { d = a[1] < b[1] ? -1 : (a[1] > b[1] ? 1 : 0); }
        return ascending ? d : -d;
      });
      keyed.forEach(function (k) { body.appendChild(k[2]); });
      rows = keyed.map(function (k) { return k[2]; });
    });
  });
}());
