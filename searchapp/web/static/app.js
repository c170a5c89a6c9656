// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  function searchBox() { return document.querySelector("[data-search-box]"); }

  // "/" focuses the search box, unless the user is already typing somewhere.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    var box = searchBox();
    if (!box) return;
    event.preventDefault();
    box.focus();
    box.select();
  });

  document.addEventListener("DOMContentLoaded", function () {
    // Focus on load (autofocus covers most browsers; this covers bfcache restores) —
    // but not when arriving at a paragraph anchor, which must stay in view.
    var box = searchBox();
    if (box && !location.hash && document.activeElement === document.body) box.focus();

    var button = document.querySelector("[data-copy-button]");
    var link = document.querySelector("[data-copy-url]");
    if (!button || !link || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(link.getAttribute("data-copy-url")).then(function () {
        button.textContent = "已复制";
        setTimeout(function () { button.textContent = "复制链接"; }, 2000);
      }, function () { button.textContent = "复制失败，请手动复制"; });
    });
  });
})();
