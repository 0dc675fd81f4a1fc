// Runwatch: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  // Show each <time>'s instant in the reader's local time zone in its tooltip (the server writes UTC).
  function localizeTimes(root) {
    var times = (root || document).querySelectorAll("time[datetime]");
    for (var i = 0; i < times.length; i++) {
      var when = new Date(times[i].getAttribute("datetime"));
      if (!isNaN(when.getTime())) {
        var utc = times[i].dataset.utc || times[i].title;
        times[i].dataset.utc = utc;
        times[i].title = when.toLocaleString() + " (local) · " + utc;
      }
    }
  }

  // Below this width app.css shows the run table as cards and folds the filter form (keep the two in step).
  var CARDS_QUERY = "(max-width: 43.75rem)";
  var cards = window.matchMedia ? window.matchMedia(CARDS_QUERY) : { matches: false };

  function onCardsChange(listener) {
    if (cards.addEventListener) cards.addEventListener("change", listener);
    else if (cards.addListener) cards.addListener(listener);
  }

  // The filter form's <details> is open in the markup (so it works without this file). On a phone it folds
  // away unless a filter is applied; should the screen grow past the breakpoint (a phone turned sideways) it
  // opens again, because there its summary is hidden and could not open it.
  function foldFilters() {
    var disclosure = document.querySelector("details.filters-disclosure");
    if (!disclosure) return;
    if (cards.matches && disclosure.getAttribute("data-applied-filters") === "0") disclosure.open = false;
    onCardsChange(function () {
      if (!cards.matches) disclosure.open = true;
    });
  }

  // Live updates, on by default: the Operations index and an active run's page fetch themselves every few
  // seconds (the server answers from its one-second page cache, so fifty viewers cost what one does) and
  // patch the page in place. Scroll position, focus and open <details> are kept; rows never move under the
  // pointer: new runs wait behind a "N new runs — show" bar. Polling pauses while the tab is hidden and
  // stops once a run has finished.
  var PERIOD_MS = 5000;

  function Live(root, status) {
    this.root = root;
    this.kind = root.getAttribute("data-live");
    this.status = status;
    this.timer = null;
    this.ticker = null;
    this.updatedAt = Date.now();
    this.paused = false;
    this.stopped = null;
    this.failing = false;
    this.pending = null; // the newest fetched results region (index), kept for "show"
    this.inFlight = false;
  }

  Live.prototype.start = function () {
    var self = this;
    this.buildStatus();
    if (this.kind === "index") this.freezeColumns();
    document.addEventListener("visibilitychange", function () { self.schedule(true); });
    this.ticker = window.setInterval(function () { self.renderStatus(); }, 1000);
    this.schedule(false);
  };

  Live.prototype.buildStatus = function () {
    var self = this;
    this.status.textContent = "";
    this.statusText = document.createElement("span");
    this.statusText.className = "live-status__text";
    this.toggle = document.createElement("button");
    this.toggle.type = "button";
    this.toggle.className = "button button--quiet live-status__toggle";
    this.toggle.addEventListener("click", function () {
      self.paused = !self.paused;
      self.schedule(!self.paused);
    });
    this.status.appendChild(this.statusText);
    this.status.appendChild(this.toggle);
    this.renderStatus();
  };

  Live.prototype.renderStatus = function () {
    if (!this.statusText) return;
    var text;
    if (this.stopped) {
      text = this.stopped;
    } else if (this.paused) {
      text = "Live updates paused";
    } else if (document.visibilityState !== "visible") {
      text = "Live · paused while this tab is hidden";
    } else {
      var seconds = Math.max(0, Math.round((Date.now() - this.updatedAt) / 1000));
      text = (this.failing ? "Live · could not update, retrying · last updated " : "Live · updated ") +
        (seconds < 2 ? "just now" : seconds + " s ago");
    }
    if (this.statusText.textContent !== text) this.statusText.textContent = text;
    this.toggle.hidden = !!this.stopped;
    this.toggle.textContent = this.paused ? "Resume" : "Pause";
    this.toggle.setAttribute("aria-pressed", this.paused ? "true" : "false");
  };

  Live.prototype.schedule = function (now) {
    if (this.timer !== null) { window.clearTimeout(this.timer); this.timer = null; }
    this.renderStatus();
    if (this.stopped || this.paused || document.visibilityState !== "visible") return;
    var self = this;
    this.timer = window.setTimeout(function () { self.refresh(); }, now ? 0 : PERIOD_MS);
  };

  Live.prototype.stop = function (words) {
    this.stopped = words;
    if (this.timer !== null) { window.clearTimeout(this.timer); this.timer = null; }
    this.renderStatus();
  };

  Live.prototype.refresh = function () {
    var self = this;
    if (this.inFlight) return;
    this.inFlight = true;
    window.fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (response.redirected && /\/login/.test(response.url)) {
          self.stop("Signed out · reload the page to sign in again");
          return null;
        }
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        if (html === null) return;
        var fresh = new DOMParser().parseFromString(html, "text/html");
        var next = fresh.querySelector("[data-live=\"" + self.kind + "\"]");
        if (!next) throw new Error("no live region");
        if (self.kind === "run") self.patchRun(next); else self.patchIndex(fresh, next);
        self.failing = false;
        self.updatedAt = Date.now();
        if (!next.hasAttribute("data-live-active")) {
          self.stop("The run has finished · live updates stopped");
        }
      })
      .catch(function () { self.failing = true; })
      .then(function () {
        self.inFlight = false;
        self.schedule(false);
      });
  };

  // Replaces `target`'s content with `source`'s, keeping the scroll position, the open <details> (by id, else
  // by position) and the focused element (by id, href or name) when it still exists.
  function replaceKeeping(target, source) {
    var scrollY = window.scrollY;
    var open = {};
    var details = target.querySelectorAll("details");
    for (var i = 0; i < details.length; i++) open[details[i].id || ("#" + i)] = details[i].open;
    var focused = document.activeElement;
    var focusKey = null;
    if (focused && target.contains(focused)) {
      focusKey = focused.id ? "#" + CSS.escape(focused.id)
        : focused.getAttribute("href") ? "[href=\"" + CSS.escape(focused.getAttribute("href")) + "\"]"
        : focused.name ? "[name=\"" + CSS.escape(focused.name) + "\"]" : null;
    }
    target.innerHTML = source.innerHTML;
    var fresh = target.querySelectorAll("details");
    for (var j = 0; j < fresh.length; j++) {
      var key = fresh[j].id || ("#" + j);
      if (Object.prototype.hasOwnProperty.call(open, key)) fresh[j].open = open[key];
    }
    if (focusKey) {
      var again = target.querySelector(focusKey);
      if (again) again.focus({ preventScroll: true });
    }
    localizeTimes(target);
    window.scrollTo(window.scrollX, scrollY);
  }

  Live.prototype.patchRun = function (next) {
    // Keep the status slot (it holds this object's text and button) and copy everything else.
    var statusHadFocus = this.status.contains(document.activeElement);
    var slot = next.querySelector("[data-live-status]");
    if (slot) slot.parentNode.replaceChild(this.status.cloneNode(false), slot);
    replaceKeeping(this.root, next);
    var placeholder = this.root.querySelector("[data-live-status]");
    if (placeholder) placeholder.parentNode.replaceChild(this.status, placeholder);
    if (statusHadFocus) this.toggle.focus({ preventScroll: true });
    var attributes = ["data-freshness", "data-live-active"];
    for (var i = 0; i < attributes.length; i++) {
      if (next.hasAttribute(attributes[i])) {
        this.root.setAttribute(attributes[i], next.getAttribute(attributes[i]));
      } else {
        this.root.removeAttribute(attributes[i]);
      }
    }
  };

  // Fixed column widths, so updated cells never shift the columns. Not while the rows are shown as cards (a
  // phone): there are no columns, and widths measured from a hidden header row would be wrong once the
  // screen grows; then they are measured as soon as the table is a table again.
  Live.prototype.freezeColumns = function () {
    var table = this.root.querySelector("table");
    if (!table || table.dataset.frozen) return;
    if (cards.matches) {
      if (!this.freezeLater) {
        var self = this;
        this.freezeLater = true;
        onCardsChange(function () { if (!cards.matches) self.freezeColumns(); });
      }
      return;
    }
    var headers = table.querySelectorAll("thead th");
    var widths = [];
    for (var i = 0; i < headers.length; i++) widths.push(headers[i].getBoundingClientRect().width);
    for (var j = 0; j < headers.length; j++) headers[j].style.width = widths[j] + "px";
    table.style.tableLayout = "fixed";
    table.dataset.frozen = "1";
  };

  function rowsById(root) {
    var rows = {};
    var list = root.querySelectorAll("tr[data-run-id]");
    for (var i = 0; i < list.length; i++) rows[list[i].getAttribute("data-run-id")] = list[i];
    return rows;
  }

  function isFirstPage() {
    var query = new URLSearchParams(window.location.search);
    return !query.has("before") && !query.has("after");
  }

  Live.prototype.patchIndex = function (fresh, next) {
    var counts = document.querySelector("[data-live-part=\"counts\"]");
    var freshCounts = fresh.querySelector("[data-live-part=\"counts\"]");
    if (counts && freshCounts && counts.innerHTML !== freshCounts.innerHTML) {
      replaceKeeping(counts, freshCounts);
    }
    var shown = rowsById(this.root);
    var ids = Object.keys(shown);
    if (ids.length === 0) {
      // Nothing on screen to move: show what there is now.
      if (this.root.innerHTML !== next.innerHTML) {
        replaceKeeping(this.root, next);
        this.freezeColumns();
      }
      return;
    }
    var newest = Math.max.apply(null, ids.map(Number));
    var incoming = rowsById(next);
    var added = 0;
    var incomingIds = Object.keys(incoming);
    for (var i = 0; i < incomingIds.length; i++) {
      var id = incomingIds[i];
      if (shown[id]) {
        if (shown[id].innerHTML !== incoming[id].innerHTML ||
            shown[id].getAttribute("data-freshness") !== incoming[id].getAttribute("data-freshness")) {
          this.replaceRow(shown[id], incoming[id]);
        }
      } else if (Number(id) > newest) {
        added += 1;
      }
    }
    // Rows the refreshed list no longer holds (a likely-stale run reconciled under a likely-stale filter)
    // stay where they are, marked, until the operator shows the new list.
    var oldest = Math.min.apply(null, incomingIds.map(Number));
    for (var k = 0; k < ids.length; k++) {
      var gone = !incoming[ids[k]] && Number(ids[k]) >= oldest;
      shown[ids[k]].classList.toggle("is-gone", gone);
      if (gone) shown[ids[k]].title = "No longer matches the filters; show the new list to update it";
    }
    this.pending = next;
    this.newRunsBar(isFirstPage() ? added : 0);
  };

  Live.prototype.replaceRow = function (row, incoming) {
    row.innerHTML = incoming.innerHTML;
    row.setAttribute("data-freshness", incoming.getAttribute("data-freshness"));
    row.classList.remove("is-gone");
    row.removeAttribute("title");
    row.classList.remove("is-updated");
    void row.offsetWidth; // restart the highlight
    row.classList.add("is-updated");
    localizeTimes(row);
  };

  Live.prototype.newRunsBar = function (count) {
    var self = this;
    var bar = document.querySelector(".new-runs");
    if (count === 0) {
      if (bar) bar.hidden = true;
      return;
    }
    if (!bar) {
      bar = document.createElement("div");
      bar.className = "new-runs";
      bar.setAttribute("role", "status");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button new-runs__show";
      button.addEventListener("click", function () {
        if (self.pending) {
          replaceKeeping(self.root, self.pending);
          self.freezeColumns();
        }
        bar.hidden = true;
        var first = self.root.querySelector("tr[data-run-id] a");
        if (first) first.focus();
      });
      bar.appendChild(button);
      this.root.parentNode.insertBefore(bar, this.root);
    }
    bar.hidden = false;
    bar.firstChild.textContent = count + (count === 1 ? " new run" : " new runs") + " — show";
  };

  function startLive() {
    var root = document.querySelector("[data-live]");
    var status = document.querySelector("[data-live-status]");
    if (!root || !status || !window.fetch || !window.DOMParser) return;
    if (!root.hasAttribute("data-live-active")) return;
    new Live(root, status).start();
  }

  document.addEventListener("DOMContentLoaded", function () {
    localizeTimes();
    foldFilters();
    startLive();
  });
})();
