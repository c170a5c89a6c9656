// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  function searchBox() { return document.querySelector("[data-search-box]"); }
  var WIDE = "(min-width: 60rem)";  // the two-column layout of style.css

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

  // Sidebars (filters, a report's outline) are open beside the text on wide screens and
  // folded into a <details> above it on phones.
  function fitSidebars() {
    var wide = window.matchMedia(WIDE).matches;
    document.querySelectorAll("details[data-open-wide]").forEach(function (details) {
      details.open = wide;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    fitSidebars();
    // Only the empty home page takes focus on load (autofocus covers most browsers; this
    // covers bfcache restores). Results and reports never do: Back must keep the place.
    var box = searchBox();
    if (box && box.hasAttribute("autofocus") && !location.hash &&
        document.activeElement === document.body) box.focus();

    var button = document.querySelector("[data-copy-button]");
    var link = document.querySelector("[data-copy-url]");
    var status = document.querySelector("[data-copy-status]");
    if (!button || !link || !navigator.clipboard) return;
    button.hidden = false;
    function say(text) {
      button.textContent = text;
      if (status) status.textContent = text;  // aria-live: screen readers hear it
    }
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(link.getAttribute("data-copy-url")).then(function () {
        say("已复制");
        setTimeout(function () {
          button.textContent = "复制链接";
          if (status) status.textContent = "";
        }, 2000);
      }, function () { say("复制失败，请手动复制"); });
    });
  });
})();
