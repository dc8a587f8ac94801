/* The helpers the theme's bundle expects on every page, loaded as a file so that the
   Content-Security-Policy allows no inline script at all. The scope (the site's root) comes
   from the data-scope attribute of this script's own tag. */
(function () {
  "use strict";
  var tag = document.currentScript;
  var scope = new URL((tag && tag.getAttribute("data-scope")) || ".", location);

  function key(name, base) {
    return (base || scope).pathname + "." + name;
  }

  window.__md_scope = scope;
  window.__md_hash = function (text) {
    var hash = 0;
    for (var i = 0; i < text.length; i++) {
      hash = (hash << 5) - hash + text.charCodeAt(i);
    }
    return hash;
  };
  window.__md_get = function (name, storage, base) {
    try {
      return JSON.parse((storage || localStorage).getItem(key(name, base)));
    } catch (error) {
      return null;
    }
  };
  window.__md_set = function (name, value, storage, base) {
    try {
      (storage || localStorage).setItem(key(name, base), JSON.stringify(value));
    } catch (error) {
      /* storage full or disabled: the theme works without it */
    }
  };
})();

/* "Ingen treff": when the search finds nothing, show the ways on that partials/search.html holds.
   The theme writes its verdict into the result's meta line; the help shows while that line says
   what the template put into data-hcweb-search-help (the theme's own "no results" words). */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var help = document.querySelector("[data-hcweb-search-help]");
  var result = help && help.closest("[data-md-component=search-result]");
  var meta = result && result.querySelector(".md-search-result__meta");
  if (!meta) {
    return;
  }
  var none = help.getAttribute("data-hcweb-search-help").trim();
  function update() {
    help.hidden = meta.textContent.trim() !== none;
  }
  new MutationObserver(update).observe(meta, { childList: true, characterData: true, subtree: true });
  update();
});
