(function () {
  "use strict";
  var table = document.getElementById("leads");
  var body = table.tBodies[0];
  var text = document.getElementById("filter");
  var grade = document.getElementById("grade-filter");
  function filter() {
    var q = text.value.trim().toLowerCase();
    var g = grade.value;
    Array.prototype.forEach.call(body.rows, function (row) {
      var show = (!g || row.getAttribute("data-grade") === g) &&
        (!q || row.textContent.toLowerCase().indexOf(q) !== -1);
      row.hidden = !show;
    });
  }
  text.addEventListener("input", filter);
  grade.addEventListener("change", filter);
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
    th.addEventListener("click", function () {
      var asc = th.getAttribute("aria-sort") !== "ascending";
      var num = th.getAttribute("data-type") === "num";
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[col].getAttribute("data-sort");
        var y = b.cells[col].getAttribute("data-sort");
        var c = num ? Number(x) - Number(y) : x.localeCompare(y);
        return asc ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
})();
