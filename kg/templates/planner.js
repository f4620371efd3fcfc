// The career planner (kg/pages/planner.py). Served, it asks /api; offline, it answers from the
// ladder in the page as kg/paths/search.py does. Text from the graph is only ever put on
// screen with textContent, never parsed as HTML.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("planner-data").textContent);
  var OFFLINE = data.mode === "offline";
  var roleIndex = {};
  data.roles.forEach(function (r, n) { roleIndex[r.iri] = n; });

  function $(id) { return document.getElementById(id); }
  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== null && text !== undefined) { node.textContent = String(text); }
    if (className) { node.className = className; }
    return node;
  }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }
  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  // -- the question, kept in the URL's fragment (a link reproduces it) -----------------------
  var state = { from: data.start, to: data.target, by: "skills", have: [], lateral: false, labels: {} };
  function readHash() {
    var params = new URLSearchParams(location.hash.replace(/^#/, ""));
    if (params.get("from")) { state.from = params.get("from"); }
    if (params.get("to")) { state.to = params.get("to"); }
    if (["skills", "steps", "years"].indexOf(params.get("by")) >= 0) { state.by = params.get("by"); }
    state.have = params.getAll("have");
    state.lateral = params.get("lateral") === "true";
  }
  function writeHash() {
    var params = new URLSearchParams();
    params.set("from", state.from);
    params.set("to", state.to);
    if (state.by !== "skills") { params.set("by", state.by); }
    if (state.lateral) { params.set("lateral", "true"); }
    state.have.forEach(function (h) { params.append("have", h); });
    var text = "#" + params.toString();
    if (location.hash !== text) { history.replaceState(null, "", text); }
  }
  function labelOf(iri) {
    if (state.labels[iri]) { return state.labels[iri]; }
    return roleIndex[iri] !== undefined ? data.roles[roleIndex[iri]].label : iri;
  }

  // -- answers offline: the ladder in the page (planner_offline.js) ---------------------
  var local = OFFLINE ? window.plannerOffline(data) : null;


  // -- asking: /api when served (a busy server is retried), the page's own answers offline --
  var RETRIES = 5;
  function ask(name, params) {
    if (OFFLINE) {
      return new Promise(function (resolve, reject) {
        try {
          if (name === "find") { resolve(local.find(params.text)); return; }
          var q = {};
          Object.keys(params).forEach(function (k) { q[k] = params[k]; });
          q.have = params.have || [];
          resolve(local[name](q));
        } catch (error) { reject(error); }
      });
    }
    var search = new URLSearchParams();
    Object.keys(params).forEach(function (k) {
      [].concat(params[k]).forEach(function (v) { if (v !== undefined && v !== null) { search.append(k, v); } });
    });
    function attempt(left) {
      return fetch("api/" + name + "?" + search.toString(), { headers: { Accept: "application/json" } })
        .then(function (response) {
          if (response.status === 503 && response.headers.get("Retry-After") && left > 0) {
            var wait = Math.min(30, parseInt(response.headers.get("Retry-After"), 10) || 1);
            say("The server is busy; asking again in " + plural(wait, "second") + ".", false);
            return new Promise(function (r) { setTimeout(r, wait * 1000); }).then(function () { return attempt(left - 1); });
          }
          return response.json().then(function (body) {
            if (!response.ok) { var e = new Error(body.error || ("HTTP " + response.status)); e.status = response.status; throw e; }
            return body;
          });
        });
    }
    return attempt(RETRIES);
  }

  var status = $("status");
  function say(text, isError) {
    status.textContent = text;
    status.className = isError ? "error" : "";
  }

  // -- role finders -------------------------------------------------------------------------
  function finder(which) {
    var input = $(which + "-input"), list = $(which + "-candidates"), chosen = $(which + "-chosen");
    var seq = 0, timer = null;
    function show() {
      chosen.textContent = (which === "from" ? "You are: " : "Target: ") + labelOf(state[which]);
    }
    function pick(candidate) {
      state[which] = candidate.iri;
      state.labels[candidate.iri] = candidate.label;
      input.value = "";
      clear(list);
      show();
      if (which === "from") { loadRoleSkills(); } else { update(); }
    }
    function lookup() {
      var text = input.value.trim(), mine = ++seq;
      if (!text) { clear(list); return; }
      ask("find", { text: text, "class": "ail:Occupation" }).then(function (found) {
        if (mine !== seq) { return; }
        clear(list);
        if (!found.candidates.length) { list.appendChild(el("li", "No role matches \u201c" + text + "\u201d.", "hint")); }
        found.candidates.forEach(function (c) {
          var item = el("li"), button = el("button");
          button.type = "button";
          button.setAttribute("data-iri", c.iri);
          var name = el("span");
          name.appendChild(el("span", c.label));
          if (c.match === "close") { name.appendChild(el("span", " (close to your text)", "match")); }
          button.appendChild(name);
          button.appendChild(el("span", c.vocabulary, "vocab"));
          button.setAttribute("aria-label", c.label + ", vocabulary " + c.vocabulary);
          button.addEventListener("click", function () { pick(c); input.focus(); });
          item.appendChild(button);
          list.appendChild(item);
        });
      }, function (error) { say(error.message, true); });
    }
    input.addEventListener("input", function () {
      if (timer !== null) { clearTimeout(timer); }
      timer = setTimeout(lookup, OFFLINE ? 0 : 200);
    });
    input.addEventListener("keydown", function (event) {
      var first = list.querySelector("button");
      if (event.key === "Enter" && first) { event.preventDefault(); first.click(); }
      if (event.key === "ArrowDown" && first) { event.preventDefault(); first.focus(); }
    });
    list.addEventListener("keydown", function (event) {
      var buttons = Array.prototype.slice.call(list.querySelectorAll("button"));
      var at = buttons.indexOf(document.activeElement);
      if (event.key === "ArrowDown" && at < buttons.length - 1) { event.preventDefault(); buttons[at + 1].focus(); }
      if (event.key === "ArrowUp") { event.preventDefault(); (at > 0 ? buttons[at - 1] : input).focus(); }
      if (event.key === "Escape") { clear(list); input.focus(); }
    });
    return { show: show };
  }
  var finders = { from: finder("from"), to: finder("to") };

  // -- skills: the role's ticked, the path's to tick, grouped by kind ----------------------------
  var roleSkills = [], pathSkills = [], extraSkills = [];
  var groupsBox = $("skill-groups"), filter = $("skill-filter");
  function loadRoleSkills() {
    // the role's skills and the answers are asked at once: a path from a role counts its
    // skills as held whether or not the page has them yet
    var role = state.from;
    var skillsDone = ask("skills", { role: role }).then(function (answer) {
      if (role !== state.from) { return; }
      roleSkills = answer.skills;
      state.labels[answer.role.iri] = answer.role.label;
      var own = {};
      roleSkills.forEach(function (s) { own[s.iri] = true; });
      state.have = state.have.filter(function (h) { return !own[h]; });
      writeHash();
      drawSkills();
      finders.from.show();
    }, function (error) { say(error.message, true); });
    return Promise.all([skillsDone, update()]);
  }
  function drawSkills() {
    clear(groupsBox);
    var own = {}, seen = {}, groups = {}, order = [];
    roleSkills.forEach(function (s) { own[s.iri] = true; });
    function add(skill, source) {
      if (seen[skill.iri]) { return; }
      seen[skill.iri] = true;
      var title = own[skill.iri] ? "From your role" : (skill.kind || "Skill");
      if (!groups[title]) { groups[title] = []; order.push(title); }
      groups[title].push(skill);
    }
    roleSkills.forEach(add);
    var have = {};
    state.have.forEach(function (h) { have[h] = true; });
    extraSkills.concat(pathSkills).forEach(add);
    state.have.forEach(function (h) { if (!seen[h]) { add({ iri: h, label: state.labels[h] || h, kind: "Other skills you hold" }); } });
    order.sort(function (a, b) { return a === "From your role" ? -1 : b === "From your role" ? 1 : (a < b ? -1 : a > b ? 1 : 0); });
    var wanted = filter.value.trim().toLowerCase();
    order.forEach(function (title, g) {
      var set = el("fieldset");
      set.appendChild(el("legend", title + " (" + groups[title].length + ")"));
      groups[title].forEach(function (skill, k) {
        var label = el("label", null, "skill"), box = el("input");
        box.type = "checkbox";
        box.id = "skill-" + g + "-" + k;
        box.value = skill.iri;
        box.checked = !!own[skill.iri] || !!have[skill.iri];
        box.disabled = !!own[skill.iri];
        box.addEventListener("change", function () {
          if (box.checked) { state.have.push(skill.iri); } else {
            state.have = state.have.filter(function (h) { return h !== skill.iri; });
          }
          state.labels[skill.iri] = skill.label;
          update();
        });
        label.appendChild(box);
        var text = el("span", skill.label);
        if (own[skill.iri]) { text.appendChild(el("span", " \u00b7 held through your role", "from-role")); }
        label.appendChild(text);
        label.hidden = wanted !== "" && skill.label.toLowerCase().indexOf(wanted) < 0;
        set.appendChild(label);
      });
      groupsBox.appendChild(set);
    });
  }
  filter.addEventListener("input", drawSkills);
  var skillSearch = $("skill-search");
  if (skillSearch) {
    skillSearch.addEventListener("click", function () {
      var text = filter.value.trim(), list = $("skill-candidates");
      if (!text) { say("Type part of a skill's name in the filter first.", true); return; }
      ask("find", { text: text, "class": "ail:Skill", limit: 20 }).then(function (found) {
        clear(list);
        if (!found.candidates.length) { list.appendChild(el("li", "No skill matches \u201c" + text + "\u201d.", "hint")); }
        found.candidates.forEach(function (c) {
          var item = el("li"), button = el("button");
          button.type = "button";
          button.appendChild(el("span", c.label));
          button.appendChild(el("span", c.vocabulary, "vocab"));
          button.setAttribute("aria-label", "Add " + c.label + ", vocabulary " + c.vocabulary);
          button.addEventListener("click", function () {
            extraSkills.push({ iri: c.iri, label: c.label, kind: "Skills you added" });
            state.labels[c.iri] = c.label;
            if (state.have.indexOf(c.iri) < 0) { state.have.push(c.iri); }
            clear(list);
            update();
          });
          item.appendChild(button);
          list.appendChild(item);
        });
      }, function (error) { say(error.message, true); });
    });
  }

  // -- the ladder, drawn in SVG: the path's roles and steps highlighted ---------------------------
  var SVG = "http://www.w3.org/2000/svg";
  function svg(tag, attrs) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }
  function lines(label) {  // two lines of at most ~17 characters, cut with an ellipsis
    var words = label.split(/\s+/), out = [""];
    words.forEach(function (w) {
      var line = out[out.length - 1];
      if ((line + " " + w).trim().length > 17 && line) { out.push(w); } else { out[out.length - 1] = (line + " " + w).trim(); }
    });
    if (out.length > 2) { out = [out[0], out.slice(1).join(" ")]; }
    return out.map(function (l) { return l.length > 19 ? l.slice(0, 18) + "\u2026" : l; });
  }
  function drawLadder(answer) {
    var box = $("ladder");
    while (box.childNodes.length > 1) { box.removeChild(box.lastChild); }
    var roles = data.roles.map(function (r) { return { iri: r.iri, label: r.label, level: r.level }; });
    var known = {};
    roles.forEach(function (r) { known[r.iri] = true; });
    var pathRoles = answer ? answer.roles : [];
    pathRoles.forEach(function (r) { if (!known[r.iri]) { roles.push({ iri: r.iri, label: r.label, level: null, extra: true }); known[r.iri] = true; } });
    var levels = [];
    roles.forEach(function (r) { if (r.level !== null && r.level !== undefined && levels.indexOf(r.level) < 0) { levels.push(r.level); } });
    levels.sort(function (a, b) { return a - b; });
    var columns = levels.map(function () { return []; }), other = [];
    roles.forEach(function (r) {
      if (r.level === null || r.level === undefined) { other.push(r); } else { columns[levels.indexOf(r.level)].push(r); }
    });
    if (other.length) { columns.unshift(other); }
    var W = 136, H = 44, GX = 26, GY = 18, where = {};
    var tallest = Math.max.apply(null, columns.map(function (c) { return c.length; }).concat([1]));
    var TOP = 40;  // room for the arcs of steps that skip levels
    var width = columns.length * (W + GX) + GX, height = tallest * (H + GY) + GY + TOP;
    columns.forEach(function (column, c) {
      var top = TOP + (height - TOP - column.length * (H + GY) + GY) / 2;
      column.forEach(function (r, k) { where[r.iri] = { x: GX + c * (W + GX), y: top + k * (H + GY) }; });
    });
    box.setAttribute("viewBox", "0 0 " + width + " " + height);
    // fills a wide column; on a narrow one it keeps 80% of its size and scrolls sideways
    box.style.minWidth = Math.round(width * 0.8) + "px";
    var onPath = {}, stepOf = {};
    pathRoles.forEach(function (r) { onPath[r.iri] = true; });
    (answer ? answer.steps : []).forEach(function (s, k) { stepOf[s.from.iri + "\u0000" + s.to.iri] = k + 1; });
    var edges = data.steps.map(function (s) { return [data.roles[s[0]].iri, data.roles[s[1]].iri]; });
    Object.keys(stepOf).forEach(function (key) {
      var pair = key.split("\u0000");
      if (!edges.some(function (e) { return e[0] === pair[0] && e[1] === pair[1]; })) { edges.push(pair); }
    });
    var edgeLayer = svg("g"), nodeLayer = svg("g");
    edges.forEach(function (e) {
      var a = where[e[0]], b = where[e[1]];
      if (!a || !b) { return; }
      var k = stepOf[e[0] + "\u0000" + e[1]];
      var x1 = a.x + W, y1 = a.y + H / 2, x2 = b.x, y2 = b.y + H / 2;
      if (x2 <= x1) { x1 = a.x + W / 2; y1 = a.y + H; x2 = b.x + W / 2; y2 = b.y; }
      var mid = (x1 + x2) / 2, skipped = Math.round((x2 - x1 - GX) / (W + GX));
      // a step that skips a level arcs above the roles between, so it never runs through them
      var lift = skipped > 0 ? 26 + 12 * skipped : 0;
      var d = lift ? "M" + x1 + "," + y1 + " C" + (x1 + (x2 - x1) / 4) + "," + (Math.min(y1, y2) - lift) + " " +
                     (x2 - (x2 - x1) / 4) + "," + (Math.min(y1, y2) - lift) + " " + x2 + "," + y2
                   : "M" + x1 + "," + y1 + " C" + mid + "," + y1 + " " + mid + "," + y2 + " " + x2 + "," + y2;
      var line = svg("path", { d: d, "class": "edge" + (k ? " on" : "") });
      if (k) { line.setAttribute("data-step", String(k)); }
      edgeLayer.appendChild(line);
      if (k) {
        var no = svg("text", { x: mid, y: (lift ? Math.min(y1, y2) - lift * 0.75 : (y1 + y2) / 2) - 4,
                               "class": "step-no", "text-anchor": "middle" });
        no.textContent = String(k);
        edgeLayer.appendChild(no);
      }
    });
    roles.forEach(function (r) {
      var p = where[r.iri], g = svg("g", { "class": "role" + (onPath[r.iri] ? " on" : ""), "data-iri": r.iri });
      g.appendChild(svg("rect", { x: p.x, y: p.y, width: W, height: H, rx: 5 }));
      var parts = lines(r.label);
      parts.forEach(function (line, i) {
        var t = svg("text", { x: p.x + W / 2, y: p.y + H / 2 + (i - (parts.length - 1) / 2) * 16 + 5, "text-anchor": "middle" });
        t.textContent = line;
        g.appendChild(t);
      });
      var tip = svg("title");
      tip.textContent = r.label;
      g.appendChild(tip);
      nodeLayer.appendChild(g);
    });
    box.appendChild(edgeLayer);
    box.appendChild(nodeLayer);
    $("ladder-title").textContent = answer
      ? "The career ladder; the path " + answer.roles.map(function (r) { return r.label; }).join(" \u2192 ") + " is highlighted."
      : "The career ladder.";
  }

  // -- the step-by-step panel (as on the path page) ---------------------------------------------
  function drawStory(answer) {
    var story = $("kg-story");
    clear(story);
    if (!answer) { return; }
    answer.steps.forEach(function (step, k) {
      var item = el("li");
      item.tabIndex = 0;
      item.setAttribute("data-step", String(k + 1));
      item.appendChild(el("div", (k + 1) + ". " + step.from.label + " \u2192 " + step.to.label + (step.move ? " (" + step.move + ")" : ""), "step-head"));
      item.appendChild(el("div", "+" + plural(step.new_skills.length, "new skill") + ", " + step.running_total + " in all", "step-count"));
      if (step.minimum_years !== null && step.minimum_years !== undefined) {
        item.appendChild(el("div", plural(step.minimum_years, "year") + " of experience asked for", "step-years"));
      }
      [["Essential", true], ["Preferred", false]].forEach(function (need) {
        var skills = step.new_skills.filter(function (s) { return !!s.essential === need[1]; });
        if (!skills.length) { return; }
        item.appendChild(el("div", need[0], "need"));
        var list = el("ul");
        skills.forEach(function (s) { list.appendChild(el("li", s.label)); });
        item.appendChild(list);
      });
      function on() {
        item.classList.add("active");
        Array.prototype.forEach.call(document.querySelectorAll('#ladder [data-step="' + (k + 1) + '"]'), function (e) { e.classList.add("active"); });
        [step.from.iri, step.to.iri].forEach(function (iri) {
          Array.prototype.forEach.call(document.querySelectorAll("#ladder .role"), function (g) { if (g.getAttribute("data-iri") === iri) { g.classList.add("active"); } });
        });
      }
      function off() {
        item.classList.remove("active");
        Array.prototype.forEach.call(document.querySelectorAll("#ladder .active"), function (e) { e.classList.remove("active"); });
      }
      item.addEventListener("mouseenter", on);
      item.addEventListener("focus", on);
      item.addEventListener("mouseleave", off);
      item.addEventListener("blur", off);
      story.appendChild(item);
    });
  }

  function drawNext(answer) {
    var list = $("next");
    clear(list);
    if (!answer.next.length) { list.appendChild(el("li", "The graph has no role that '" + answer.from.label + "' progresses to.", "hint")); }
    answer.next.forEach(function (gap) {
      var item = el("li");
      var button = el("button", gap.to.label, "plain");
      button.type = "button";
      button.setAttribute("aria-label", "Aim for " + gap.to.label);
      button.addEventListener("click", function () {
        state.to = gap.to.iri;
        state.labels[gap.to.iri] = gap.to.label;
        finders.to.show();
        update();
      });
      item.appendChild(button);
      item.appendChild(el("span", " +" + plural(gap.new_skills.length, "new skill") + " (" + gap.shared_skills + " of " + gap.required_skills + " held)"));
      list.appendChild(item);
    });
  }

  function drawReady(answer) {
    var body = document.querySelector("#ready tbody");
    clear(body);
    answer.roles.slice(0, 8).forEach(function (r) {
      var row = el("tr");
      row.appendChild(el("td", r.role.label));
      row.appendChild(el("td", Math.round(r.score * 100) + "%", "num"));
      row.appendChild(el("td", r.essential_held + "/" + r.essential, "num"));
      body.appendChild(row);
    });
  }

  // -- one round: the path, the next moves, the ranking ------------------------------------------
  var round = 0;
  function update() {
    writeHash();
    finders.from.show();
    finders.to.show();
    $("by").value = state.by;
    if ($("lateral")) { $("lateral").checked = state.lateral; }
    var mine = ++round;
    var question = { from: state.from, to: state.to, have: state.have, by: state.by };
    if (state.lateral) { question.lateral = "true"; }
    say("Looking for the way\u2026", false);
    var pathDone = ask("path", question).then(function (answer) {
      if (mine !== round) { return; }
      pathSkills = [];
      answer.steps.forEach(function (s) { s.new_skills.forEach(function (k) { pathSkills.push(k); }); });
      state.labels[answer.to.iri] = answer.to.label;
      $("summary").textContent = plural(answer.total_new_skills, "new skill") + " in " + plural(answer.total_steps, "step") +
        (answer.years !== null && answer.years !== undefined ? ", up to " + plural(answer.years, "year") + " of experience asked for" : "") + ".";
      drawLadder(answer);
      drawStory(answer);
      drawSkills();
      say("", false);
      window.plannerAnswer = answer;
      if (window.plannerFirstAnswerAt === undefined) { window.plannerFirstAnswerAt = performance.now(); }
      document.body.setAttribute("data-answered", String(mine));
    }, function (error) {
      if (mine !== round) { return; }
      pathSkills = [];
      $("summary").textContent = "";
      drawLadder(null);
      drawStory(null);
      drawSkills();
      say(error.message, true);
      window.plannerAnswer = { error: error.message, status: error.status };
      document.body.setAttribute("data-answered", String(mine));
    });
    var around = Promise.all([
      ask("next", { role: state.from, have: state.have }).then(function (a) { if (mine === round) { drawNext(a); } }),
      ask("ready", { role: state.from, have: state.have, limit: 8 }).then(function (a) { if (mine === round) { drawReady(a); } })
    ]).catch(function (error) { if (mine === round) { say(error.message, true); } });
    return Promise.all([pathDone, around]);
  }
  $("by").addEventListener("change", function () { state.by = $("by").value; update(); });
  var lateral = $("lateral");
  if (lateral) {
    lateral.addEventListener("change", function () { state.lateral = lateral.checked; update(); });
  }
  window.addEventListener("hashchange", function () { readHash(); loadRoleSkills(); });

  // for the tests: the page's own answer to any path question, as the command line prints it
  window.plannerPath = OFFLINE ? function (from, to, have, by) {
    try { return local.path({ from: from, to: to, have: have || [], by: by || "skills" }); }
    catch (error) { return { error: error.message }; }
  } : undefined;
  window.plannerNext = OFFLINE ? function (role, have) { return local.next({ role: role, have: have || [] }); } : undefined;
  window.plannerReady = OFFLINE ? function (role, have) { return local.ready({ role: role, have: have || [] }); } : undefined;

  readHash();
  drawLadder(null);
  loadRoleSkills().then(function () { document.body.setAttribute("data-ready", "1"); });
}());
