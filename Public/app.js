// Runwatch: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  // Show each <time>'s instant in the reader's local time zone in its tooltip (the server writes UTC).
  function localizeTimes() {
    var times = document.querySelectorAll("time[datetime]");
    for (var i = 0; i < times.length; i++) {
      var when = new Date(times[i].getAttribute("datetime"));
      if (!isNaN(when.getTime())) {
        var utc = times[i].dataset.utc || times[i].title;
        times[i].dataset.utc = utc;
        times[i].title = when.toLocaleString() + " (local) · " + utc;
      }
    }
  }

  // Opt-in auto-refresh: a checkbox in each [data-auto-refresh] slot, remembered in localStorage,
  // reloading every 15 s while the tab is visible.
  var STORAGE_KEY = "runwatch.autoRefresh";
  var PERIOD_MS = 15000;
  var timer = null;

  function isEnabled() {
    try { return window.localStorage.getItem(STORAGE_KEY) === "on"; } catch (e) { return false; }
  }

  function remember(on) {
    try { window.localStorage.setItem(STORAGE_KEY, on ? "on" : "off"); } catch (e) { /* private mode */ }
  }

  function schedule() {
    if (timer !== null) { window.clearTimeout(timer); timer = null; }
    if (isEnabled() && document.visibilityState === "visible") {
      timer = window.setTimeout(function () { window.location.reload(); }, PERIOD_MS);
    }
  }

  function addToggles() {
    var slots = document.querySelectorAll("[data-auto-refresh]");
    for (var i = 0; i < slots.length; i++) {
      var label = document.createElement("label");
      label.className = "auto-refresh";
      var box = document.createElement("input");
      box.type = "checkbox";
      box.checked = isEnabled();
      box.addEventListener("change", function (event) {
        remember(event.target.checked);
        schedule();
      });
      label.appendChild(box);
      label.appendChild(document.createTextNode("Auto-refresh every 15 s"));
      slots[i].appendChild(label);
    }
    return slots.length > 0;
  }

  document.addEventListener("DOMContentLoaded", function () {
    localizeTimes();
    if (addToggles()) {
      document.addEventListener("visibilitychange", schedule);
      schedule();
    }
  });
})();
