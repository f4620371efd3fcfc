// The offline planner's answers (kg/pages/planner.py): path, next, ready, the role's skills
// and role names, computed from the ladder in the page as kg/paths/search.py and
// kg/paths/answers.py compute them, in the shapes of the command line's --format json.
(function () {
  "use strict";
  window.plannerOffline = function (data) {
    var roleIndex = {};
    data.roles.forEach(function (r, n) { roleIndex[r.iri] = n; });
    var succ = data.roles.map(function () { return []; });
    data.steps.forEach(function (s) { succ[s[0]].push(s[1]); });
    succ.forEach(function (list) { list.sort(function (a, b) { return a - b; }); });
    var skillIndex = {};
    data.skills.forEach(function (s, n) { skillIndex[s.iri] = n; });
    var masks = data.roleSkills.map(function (list) {
      var set = {};
      list.forEach(function (entry) { set[entry[0]] = true; });
      return set;
    });
    function count(set) { return Object.keys(set).length; }
    function held(role, have) {
      var set = {};
      if (role !== null) { Object.keys(masks[role]).forEach(function (k) { set[k] = true; }); }
      have.forEach(function (iri) { if (skillIndex[iri] !== undefined) { set[skillIndex[iri]] = true; } });
      return set;
    }
    function ref(n) { return { iri: data.roles[n].iri, label: data.roles[n].label }; }
    function skillRef(entry) {
      var s = data.skills[entry[0]];
      return { iri: s.iri, label: s.label, kind: s.kind, essential: entry[1] === 1 };
    }
    function fail(message) { var e = new Error(message); e.status = 400; throw e; }
    function role(iri) {
      if (roleIndex[iri] === undefined) { var e = new Error("No role matches '" + iri + "'."); e.status = 404; throw e; }
      return roleIndex[iri];
    }
    function key(by, path, start) {
      var have = Object.assign({}, start), years = 0, steps = path.length - 1;
      path.slice(1).forEach(function (v) {
        Object.keys(masks[v]).forEach(function (k) { have[k] = true; });
        years = Math.max(years, data.roles[v].years || 0);
      });
      var fresh = count(have) - count(start);
      var head = by === "skills" ? [fresh, steps] : by === "steps" ? [steps, fresh] : [years, fresh, steps];
      return head.concat(path);
    }
    function less(a, b) {  // tuples compared as Python compares them
      for (var i = 0; i < Math.min(a.length, b.length); i += 1) {
        if (a[i] !== b[i]) { return a[i] < b[i]; }
      }
      return a.length < b.length;
    }
    var LIMIT = 200000;
    function path(q) {
      var source = role(q.from), target = role(q.to);
      if (source === target) {
        fail("'" + data.roles[source].label + "' is both the start and the goal; pick another goal, or run 'aikg next \"" + data.roles[source].label + "\"' to see where it leads.");
      }
      var start = held(source, q.have), best = null, seen = 0;
      var onPath = {}; onPath[source] = true;
      (function walk(trail) {
        var last = trail[trail.length - 1];
        succ[last].forEach(function (v) {
          if (onPath[v] || seen > LIMIT) { return; }
          var next = trail.concat([v]);
          if (v === target) {
            seen += 1;
            var k = key(q.by, next, start);
            if (best === null || less(k, best)) { best = k; }
            return;
          }
          onPath[v] = true;
          walk(next);
          onPath[v] = false;
        });
      })([source]);
      if (seen > LIMIT) { fail("The ladder has too many paths for this page; run 'aikg path' instead."); }
      if (best === null) {
        var names = succ[source].map(function (n) { return "'" + data.roles[n].label + "'"; }).join(", ");
        var ask = "No progression from '" + data.roles[source].label + "' to '" + data.roles[target].label + "'";
        fail(succ[source].length ? ask + ". The next steps from '" + data.roles[source].label + "' are " + names + "; run 'aikg next \"" + data.roles[source].label + "\"' to compare them."
             : ask + ": the graph has no role that '" + data.roles[source].label + "' progresses to.");
      }
      var roles = best.slice(q.by === "years" ? 3 : 2);
      return describe(q, roles, start);
    }
    function describe(q, roles, start) {
      var have = Object.assign({}, start), used = {}, total = 0, steps = [], years = null;
      for (var i = 1; i < roles.length; i += 1) {
        var v = roles[i];
        var fresh = data.roleSkills[v].filter(function (e) { return !have[e[0]]; }).map(skillRef);
        data.roleSkills[v].forEach(function (e) { have[e[0]] = true; used[e[0]] = true; });
        total += fresh.length;
        var y = data.roles[v].years;
        if (y !== null && y !== undefined) { years = years === null ? y : Math.max(years, y); }
        steps.push({ from: ref(roles[i - 1]), to: ref(v), move: null, new_skills: fresh,
                     new_skill_count: fresh.length, minimum_years: y === undefined ? null : y,
                     running_total: total });
      }
      var usedStart = Object.keys(start).filter(function (k) { return used[k]; }).length;
      return { from: ref(roles[0]), to: ref(roles[roles.length - 1]), by: q.by, steps: steps,
               total_new_skills: total, total_steps: steps.length, years: years,
               skills_held_at_start: count(start), skills_from_role: count(masks[roles[0]]),
               skills_used: usedStart, roles: roles.map(ref) };
    }
    function gapTo(source, target, start) {
      var fresh = data.roleSkills[target].filter(function (e) { return !start[e[0]]; }).map(skillRef);
      return { from: ref(source), to: ref(target), new_skills: fresh, total_new_skills: fresh.length,
               shared_skills: data.roleSkills[target].length - fresh.length,
               required_skills: data.roleSkills[target].length,
               // the page holds each skill under one name (its ladder's): none is held under
               // another, every ladder role lists skills, none is the same occupation as
               // another (kg.paths.same); a step up the ladder, no move
               held_under_other_names: [], notes: [], move: null, estimated_skills: [],
               no_skill_data: [], same_occupation: [], named_in_definition: null };
    }
    function next(q) {
      var source = role(q.role), start = held(source, q.have);
      var options = succ[source].map(function (v) { return gapTo(source, v, start); });
      options.sort(function (a, b) {
        return (a.new_skills.length - b.new_skills.length) || (roleIndex[a.to.iri] - roleIndex[b.to.iri]);
      });
      return { from: ref(source), next: options };
    }
    function ready(q) {
      var start = held(q.role ? role(q.role) : null, q.have), rated = [];
      data.roles.forEach(function (r, n) {
        var rows = data.roleSkills[n];
        if (!rows.length) { return; }
        var essential = rows.filter(function (e) { return e[1] === 1; });
        var heldEssential = essential.filter(function (e) { return start[e[0]]; });
        var heldAll = rows.filter(function (e) { return start[e[0]]; }).length;
        // the importance-weighted share of the essential skills held (of all, when none is
        // essential), one unlisted skill added to the whole, as kg/paths/readiness.py ranks
        var counted = essential.length ? essential : rows, weight = 0, got = 0;
        counted.forEach(function (e) {
          var w = (e[2] === null || e[2] === undefined ? 5 : e[2]) / 5;
          weight += w;
          if (start[e[0]]) { got += w; }
        });
        var score = heldAll ? got / (weight + 1) : 0;
        rated.push({ role: ref(n), level: r.level, held: heldAll, required: rows.length,
                     share: Math.round(heldAll / rows.length * 10000) / 10000, score: Math.round(score * 10000) / 10000,
                     essential_held: heldEssential.length, essential: essential.length });
      });
      rated.sort(function (a, b) {
        return (b.score - a.score) || ((a.required - a.held) - (b.required - b.held)) ||
          (b.held / b.required - a.held / a.required) || (b.held - a.held) ||
          ((b.level || 0) - (a.level || 0)) || (a.role.label.toLowerCase() < b.role.label.toLowerCase() ? -1 : 1);
      });
      return { roles: q.limit ? rated.slice(0, q.limit) : rated };
    }
    function skills(q) {
      var n = role(q.role);
      return { role: ref(n), skills: data.roleSkills[n].map(skillRef) };
    }

    // typo-tolerant matching of role names in the page (offline): exact, contained, then close
    function distance(a, b) {
      var prev = [], cur, i, j;
      for (j = 0; j <= b.length; j += 1) { prev.push(j); }
      for (i = 1; i <= a.length; i += 1) {
        cur = [i];
        for (j = 1; j <= b.length; j += 1) {
          cur.push(Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)));
        }
        prev = cur;
      }
      return prev[b.length];
    }
    function findLocal(text) {
      var wanted = text.trim().toLowerCase(), hits = [];
      data.roles.forEach(function (r) {
        var label = r.label.toLowerCase(), rank = null;
        if (label === wanted) { rank = [0, 0]; }
        else if (wanted && label.indexOf(wanted) >= 0) { rank = [1, label.indexOf(wanted)]; }
        else if (wanted) {
          var d = distance(wanted, label.slice(0, Math.max(wanted.length, 1)));
          var whole = distance(wanted, label);
          var best = Math.min(d, whole);
          if (best <= Math.max(1, Math.floor(wanted.length / 4))) { rank = [2, best]; }
        }
        if (rank) { hits.push({ iri: r.iri, label: r.label, vocabulary: r.vocabulary, match: ["exact", "contains", "close"][rank[0]], rank: rank }); }
      });
      hits.sort(function (a, b) { return (a.rank[0] - b.rank[0]) || (a.rank[1] - b.rank[1]) || (a.label < b.label ? -1 : 1); });
      return { candidates: hits.slice(0, 12) };
    }
    return { path: path, next: next, ready: ready, skills: skills, find: findLocal };
  };
}());
