// docket class: live updates by server-sent events. A teacher's page
// swaps in the fragment the server renders (already escaped there); a
// student's page reloads when the round moves on. Pages work without it.
(function () {
  var el = document.querySelector("[data-events]");
  if (!el || !window.EventSource) return;
  var source = new EventSource(el.getAttribute("data-events"));
  source.addEventListener("update", function (e) {
    el.innerHTML = e.data;
  });
  source.addEventListener("version", function (e) {
    if (e.data !== el.getAttribute("data-version")) location.reload();
  });
})();
