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

  // Multi-select filters (region, level): each tick applies at once; the form's 应用 button
  // is for pages without this file.
  function autoSubmit() {
    document.querySelectorAll("form[data-auto-submit]").forEach(function (form) {
      var apply = form.querySelector("button.apply");
      if (apply) apply.hidden = true;
      form.addEventListener("change", function () { form.submit(); });
    });
  }

  // Completions for the box from /api/suggest (words of the index, region names) in a
  // <datalist>, the browser's own accessible list. Only the last word typed is completed; a
  // region is offered as a region: filter. Without this the box is a plain search box.
  function suggestions() {
    var box = searchBox();
    if (!box || !box.form || !box.form.getAttribute("data-suggest") || !window.fetch) return;
    var list = document.createElement("datalist");
    list.id = "q-suggestions";
    box.parentNode.appendChild(list);
    box.setAttribute("list", list.id);
    var timer = null, asked = "";
    function add(value, label) {
      var option = document.createElement("option");
      option.value = value;
      option.label = label;
      list.appendChild(option);
    }
    box.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var value = box.value, cut = value.search(/\S+$/);
        var last = cut < 0 ? "" : value.slice(cut), head = value.slice(0, Math.max(cut, 0));
        if (!last || last === asked || /[:："“()（）]/.test(last)) return;
        asked = last;
        fetch(box.form.getAttribute("data-suggest") + "?q=" + encodeURIComponent(last))
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (data) {
            if (!data || box.value !== value) return;
            list.textContent = "";
            data.terms.forEach(function (t) { add(head + t.term, t.term + "（" + t.count + " 段）"); });
            data.regions.forEach(function (r) { add(head + "region:" + r.region, "地区：" + r.region); });
          })
          .catch(function () {});
      }, 150);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    fitSidebars();
    autoSubmit();
    suggestions();
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

// Research tools (issue 16): 「复制引用」 and permalinks to stable paragraph anchors.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // The citation is rendered by the server into a hidden .citation beside the button.
    if (navigator.clipboard) {
      document.querySelectorAll(".cite-box").forEach(function (box) {
        var button = box.querySelector("button.cite");
        var text = box.querySelector(".citation");
        if (!button || !text) return;
        button.hidden = false;
        button.addEventListener("click", function () {
          navigator.clipboard.writeText(text.textContent).then(function () {
            button.textContent = "已复制";
            setTimeout(function () { button.textContent = "复制引用"; }, 2000);
          }, function () { button.textContent = "复制失败"; });
        });
      });
    }
    // A permalink (?p=42&a=hash) the server resolved: go to the paragraph it found, which
    // may be another than the fragment names (a repeated text, or a changed paragraph).
    var landing = document.querySelector("[data-landing]");
    var target = landing && document.getElementById(landing.getAttribute("data-landing"));
    if (!target) return;
    var para = target.closest(".para");
    if (para) para.classList.add("landed");
    if (location.hash !== "#" + target.id) location.replace("#" + target.id);
  });
})();
