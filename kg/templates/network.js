// The page's own behaviour: tooltips, search, class filter. Graph text is only ever put on
// screen with textContent (or drawn on the canvas by vis), never parsed as HTML.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== null && text !== undefined) { node.textContent = String(text); }
    if (className) { node.className = className; }
    return node;
  }

  function tipElement(tip) {
    var box = el("div", null, "kg-tip");
    box.appendChild(el("div", tip.heading, "kg-tip-heading"));
    if (tip.kind) { box.appendChild(el("div", tip.kind, "kg-tip-kind")); }
    if (tip.text) { box.appendChild(el("p", tip.text, "kg-tip-text")); }
    (tip.sections || []).forEach(function (section) {
      box.appendChild(el("div", section[0], "kg-tip-section"));
      var list = el("ul");
      section[1].forEach(function (line) { list.appendChild(el("li", line)); });
      box.appendChild(list);
    });
    if (tip.source) { box.appendChild(el("div", "Source: " + tip.source, "kg-tip-source")); }
    return box;
  }

  // -- the page data, as written compactly by kg/viz_render.py ---------------------------
  data.nodes.forEach(function (node) {
    node.name = node.name || node.label;
    node.tip.heading = node.tip.heading || node.name;
    node.tip.iri = node.tip.iri || node.id;
    if (node.box) {
      var border = typeof node.color === "string" ? node.color : node.color.border;
      node.shape = "box";
      node.color = { background: "#ffffff", border: border,
                     highlight: { background: "#fff4d6", border: border },
                     hover: { background: "#f3f6fa", border: border } };
      if (node.borderWidth === undefined) { node.borderWidth = 2; }
      if (node.margin === undefined) { node.margin = 6; }
      if (node.widthConstraint === undefined) { node.widthConstraint = false; }
      if (node.font === undefined) { node.font = { size: 17, color: "#1a1a1a" }; }
      delete node.box;
    }
  });
  data.edges = data.edges.map(function (e, k) {
    if (!Array.isArray(e)) { return e; }
    var out = { id: "e" + k, from: data.nodes[e[0]].id, to: data.nodes[e[1]].id,
                prop: data.props[e[2]], arrows: "to" };
    if (e.length > 3) { out.note = e[3]; }
    return out;
  });

  var classOf = {};
  var byClass = {};
  var tips = {};
  var specs = {};     // every node of the page, by id, ready for vis (tooltip made when shown)
  var groupOf = {};   // node id -> the group it sits in, on pages that open on groups
  var members = {};   // group id -> its node ids
  data.nodes.forEach(function (spec) {
    var node = Object.assign({}, spec);
    tips[node.id] = spec.tip;
    delete node.tip;
    specs[node.id] = node;
    classOf[node.id] = node.cls;
    (byClass[node.cls] = byClass[node.cls] || []).push(node.id);
    if (node.grp) {
      groupOf[node.id] = node.grp;
      (members[node.grp] = members[node.grp] || []).push(node.id);
    }
  });
  function shown(node) {
    if (!node.title) { node.title = tipElement(tips[node.id]); }
    return node;
  }

  // -- groups: above a few hundred nodes the page opens on one box per group ----------------
  // Only the groups and the nodes outside any group are handed to vis at first; a group's
  // members replace its box when it is opened. Links to or inside closed groups are drawn
  // as one line per pair of groups, as thick as the links it stands for are many.
  data.edges.forEach(function (e) {
    if (e.prop !== undefined && e.title === undefined) {
      e.title = specs[e.from].name + " \u2192 " + e.prop + " \u2192 " + specs[e.to].name +
        (e.note ? "\n" + e.note : "");
    }
  });
  var groups = {};
  var opened = {};
  (data.groups || []).forEach(function (group) {
    tips[group.id] = group.tip;
    groups[group.id] = group;
    specs[group.id] = {
      id: group.id, label: group.label, shape: "box", x: group.x, y: group.y, isGroup: true,
      borderWidth: 3, margin: 8, color: { background: "#ffffff", border: group.color },
      font: { size: 18, color: "#1a1a1a" }
    };
  });
  function end(id) {
    var group = groupOf[id];
    return group && !opened[group] ? group : id;
  }
  function visibleEdges() {
    var out = [], merged = {};
    data.edges.forEach(function (e) {
      var a = end(e.from), b = end(e.to);
      if (a === e.from && b === e.to) { out.push(e); return; }
      if (a === b) { return; }
      var key = a + "\u0000" + b;
      if (!merged[key]) {
        merged[key] = { id: "links:" + key, from: a, to: b, count: 0, color: { color: "#c8c8c8" } };
        out.push(merged[key]);
      }
      merged[key].count += 1;
    });
    Object.keys(merged).forEach(function (key) {
      var e = merged[key];
      e.width = Math.min(8, 1 + Math.log(e.count));
      e.title = e.count + (e.count === 1 ? " link" : " links");
    });
    return out;
  }
  var first = data.nodes.filter(function (n) { return !n.grp; }).map(function (n) { return shown(specs[n.id]); });
  Object.keys(groups).sort().forEach(function (id) { first.push(shown(specs[id])); });

  var nodes = new vis.DataSet(first);
  var edges = new vis.DataSet(data.groups && data.groups.length ? visibleEdges() : data.edges);
  var container = document.getElementById("kg-network");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  window.network = network;
  window.kgNodes = nodes;
  window.kgData = data;
  window.kgReady = false;

  // A group opens where it stood: its members in their places (ladder, focus) or in a
  // sunflower spiral round the group's box.
  function openGroup(id) {
    if (!groups[id] || opened[id]) { return members[id] || []; }
    var group = groups[id], golden = Math.PI * (3 - Math.sqrt(5));
    var ids = members[id].slice().sort();
    var added = ids.map(function (nid, k) {
      var node = shown(specs[nid]);
      if (!group.keep) {
        var r = 60 * Math.sqrt(k + 0.5);
        node.x = group.x + r * Math.cos(k * golden);
        node.y = group.y + r * Math.sin(k * golden);
      }
      node.hidden = !!hiddenClass[classOf[nid]];
      return node;
    });
    opened[id] = true;
    nodes.remove(id);
    nodes.add(added);
    edges.clear();
    edges.add(visibleEdges());
    fitTo(ids);
    return ids;
  }
  window.kgOpenGroup = openGroup;

  // -- fitting: the whole picture in view, re-fitted when the window changes --------------
  var MAX_SCALE = 1.6;  // a small page is not blown up to giant letters
  function fitTo(ids) {
    network.fit(ids ? { nodes: ids, animation: false } : { animation: false });
    if (network.getScale() > MAX_SCALE) {
      network.moveTo({ scale: MAX_SCALE, animation: false });
    }
  }
  window.kgFit = fitTo;
  var fitted = null;
  function refit() {
    if (fitted !== null) { clearTimeout(fitted); }
    fitted = setTimeout(function () { fitted = null; network.redraw(); fitTo(); }, 60);
  }
  if (window.ResizeObserver) {
    new ResizeObserver(refit).observe(container);
  } else {
    window.addEventListener("resize", refit);
  }

  function ready() {
    if (window.kgReady) { return; }
    window.kgReady = true;
    window.kgReadyAt = performance.now();
    document.body.setAttribute("data-ready", "1");
  }
  if (data.options.physics.enabled) {
    // Stop the simulation once the layout has settled: a still picture, and no CPU burnt.
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      fitTo();
      network.once("afterDrawing", ready);
      network.redraw();
    });
  } else {
    fitTo();
    network.once("afterDrawing", ready);
  }

  // -- details panel -------------------------------------------------------------------
  var details = document.getElementById("kg-details");
  function showDetails(id) {
    while (details.firstChild) { details.removeChild(details.firstChild); }
    var box = tipElement(tips[id]);
    if (tips[id].iri) { box.appendChild(el("div", tips[id].iri, "kg-tip-iri")); }
    details.appendChild(box);
  }
  network.on("selectNode", function (event) {
    if (event.nodes.length !== 1) { return; }
    var id = event.nodes[0];
    if (groups[id]) { openGroup(id); return; }
    showDetails(id);
  });

  // -- filter by class -------------------------------------------------------------------
  var legend = document.getElementById("kg-legend");
  var boxes = {};
  var SVG = "http://www.w3.org/2000/svg";
  function swatch(shape, colour) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", "16");
    svg.setAttribute("height", "16");
    svg.setAttribute("viewBox", "0 0 16 16");
    var points = {
      square: "2,2 14,2 14,14 2,14", diamond: "8,1 15,8 8,15 1,8",
      triangle: "8,1 15,14 1,14", triangleDown: "1,2 15,2 8,15",
      hexagon: "4,1.5 12,1.5 15.5,8 12,14.5 4,14.5 0.5,8",
      star: "8,0.5 10,6 15.5,6 11,9.5 12.8,15 8,11.7 3.2,15 5,9.5 0.5,6 6,6"
    }[shape === "box" ? "square" : shape];
    var mark;
    if (points) {
      mark = document.createElementNS(SVG, "polygon");
      mark.setAttribute("points", points);
    } else {
      mark = document.createElementNS(SVG, "circle");
      mark.setAttribute("cx", "8");
      mark.setAttribute("cy", "8");
      mark.setAttribute("r", "6.5");
    }
    mark.setAttribute("fill", colour);
    svg.appendChild(mark);
    return svg;
  }
  var hiddenClass = {};
  function setClassVisible(cls, visible) {
    boxes[cls].checked = visible;
    hiddenClass[cls] = !visible;
    var changes = (byClass[cls] || []).filter(function (id) { return nodes.get(id) !== null; })
      .map(function (id) { return { id: id, hidden: !visible }; });
    // a closed group is hidden when every one of its members is of a hidden class
    Object.keys(groups).forEach(function (g) {
      if (opened[g]) { return; }
      var all = members[g].every(function (m) { return hiddenClass[classOf[m]]; });
      changes.push({ id: g, hidden: all });
    });
    nodes.update(changes);
  }
  data.classes.forEach(function (cls) {
    var item = el("li");
    var label = el("label");
    var box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.setAttribute("data-class", cls.id);
    box.addEventListener("change", function () { setClassVisible(cls.id, box.checked); });
    item.setAttribute("data-label", String(cls.label).toLowerCase());
    boxes[cls.id] = box;
    label.appendChild(box);
    label.appendChild(swatch(cls.shape, cls.color));
    label.appendChild(el("span", cls.label));
    label.appendChild(el("span", cls.count, "count"));
    item.appendChild(label);
    legend.appendChild(item);
  });

  var legendFilter = document.getElementById("kg-legend-filter");
  legendFilter.addEventListener("input", function () {
    var wanted = legendFilter.value.trim().toLowerCase();
    Array.prototype.forEach.call(legend.children, function (item) {
      item.hidden = wanted !== "" && item.getAttribute("data-label").indexOf(wanted) < 0;
    });
  });

  // -- the path's story: hovering a step highlights it on the graph --------------------
  Array.prototype.forEach.call(document.querySelectorAll("#kg-story > li"), function (item) {
    function on() {
      item.classList.add("active");
      network.setSelection({ nodes: [item.getAttribute("data-from"), item.getAttribute("data-to")],
                             edges: [item.getAttribute("data-edge")] }, { highlightEdges: false });
      window.kgHighlighted = item.getAttribute("data-edge");
    }
    function off() {
      item.classList.remove("active");
      network.unselectAll();
      window.kgHighlighted = null;
    }
    item.addEventListener("mouseenter", on);
    item.addEventListener("focus", on);
    item.addEventListener("mouseleave", off);
    item.addEventListener("blur", off);
  });

  // -- search ------------------------------------------------------------------------------
  var input = document.getElementById("kg-search");
  var status = document.getElementById("kg-status");
  var labels = document.getElementById("kg-labels");
  var seen = {};
  data.nodes.map(function (n) { return n.name || n.label; }).sort().forEach(function (text) {
    if (seen[text]) { return; }
    seen[text] = true;
    var option = el("option");
    option.value = text;
    labels.appendChild(option);
  });
  function find(text) {
    var wanted = text.trim().toLowerCase();
    if (!wanted) { return null; }
    var i, best = null, rank = 3;
    for (i = 0; i < data.nodes.length; i += 1) {
      var label = String(data.nodes[i].name || data.nodes[i].label).toLowerCase();
      var r = label === wanted ? 0 : (label.indexOf(wanted) === 0 ? 1 : (label.indexOf(wanted) > 0 ? 2 : 3));
      if (r < rank) { rank = r; best = data.nodes[i].id; if (r === 0) { break; } }
    }
    return best;
  }
  function focusNode(id) {
    if (boxes[classOf[id]] && !boxes[classOf[id]].checked) { setClassVisible(classOf[id], true); }
    if (groupOf[id] && !opened[groupOf[id]]) { openGroup(groupOf[id]); }
    network.selectNodes([id]);
    network.focus(id, { scale: 1.4, animation: false });
    showDetails(id);
    window.kgFocused = id;
  }
  document.getElementById("kg-search-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var id = find(input.value);
    if (id === null) {
      status.textContent = input.value.trim() ? "Nothing matches \u201c" + input.value.trim() + "\u201d." : "";
      return;
    }
    status.textContent = "";
    focusNode(id);
  });
}());
