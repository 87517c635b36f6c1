// The top bar's menu on narrow screens: a disclosure button (aria-expanded) that shows
// or hides the links; Escape closes it and puts focus back on the button. Without this
// script no-script.css keeps the links visible.
(function () {
  'use strict';

  function init() {
    var toggle = document.getElementById('menu-toggle');
    var menu = document.getElementById('topbar-menu');
    if (!toggle || !menu) { return; }
    function set(open) {
      toggle.setAttribute('aria-expanded', String(open));
      menu.classList.toggle('open', open);
    }
    toggle.addEventListener('click', function () {
      set(toggle.getAttribute('aria-expanded') !== 'true');
    });
    menu.addEventListener('keydown', function (event) {
      if (event.key === 'Escape' && toggle.getAttribute('aria-expanded') === 'true') {
        set(false);
        toggle.focus();
      }
    });
    toggle.addEventListener('keydown', function (event) {
      if (event.key === 'Escape') { set(false); }
    });
  }

  // A table box is a tab stop only while it actually scrolls (keyboard users scroll it
  // with the arrow keys); without this script every box stays focusable.
  function scrollers() {
    document.querySelectorAll('.table-scroll').forEach(function (box) {
      if (box.scrollWidth > box.clientWidth) {
        box.setAttribute('tabindex', '0');
      } else if (box !== document.activeElement) {
        box.removeAttribute('tabindex');
      }
    });
  }

  function start() {
    init();
    scrollers();
    var pending = null;
    window.addEventListener('resize', function () {
      window.clearTimeout(pending);
      pending = window.setTimeout(scrollers, 100);
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
