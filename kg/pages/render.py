"""Turning nodes and edges into one self-contained HTML page (pyvis data, our template).

vis-network's script and style are read from the installed pyvis package when a page is made
and inlined, so the page makes no request at all; a Content-Security-Policy in the page says
so to the browser too (scripts run only if their hash matches, nothing loads from anywhere).
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from pathlib import Path

from kg.errors import KGError
from kg.store.io import atomic_write

#: Above this many nodes the precomputed layout is the picture: no physics in the browser.
PHYSICS_LIMIT = 1500
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def options(count: int, physics: bool, smooth) -> dict:
    big = count > PHYSICS_LIMIT
    iterations = 200 if count <= 300 else 100
    return {
        "autoResize": True,
        "layout": {"randomSeed": 7, "improvedLayout": False},
        "physics": {
            "enabled": physics and not big,
            "solver": "barnesHut",
            "barnesHut": {"gravitationalConstant": -5000, "centralGravity": 0.6,
                          "springLength": 130, "springConstant": 0.03, "damping": 0.4,
                          "avoidOverlap": 0.2},
            "minVelocity": 1.0,
            "stabilization": {"enabled": True, "iterations": iterations, "updateInterval": 25,
                              "fit": True},
        },
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": big,
                        "hideEdgesOnZoom": big, "keyboard": False},
        "nodes": {"borderWidth": 1, "font": {"size": 14, "face": "sans-serif"},
                  "widthConstraint": {"maximum": 180}},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
                  "color": {"color": "#b5b5b5", "highlight": "#222222", "hover": "#444444"},
                  "smooth": smooth, "width": 1},
    }


def _network_data(nodes: list[dict], edges: list[dict], options: dict):
    """Let pyvis hold the nodes and edges and hand them back as template data.

    Nodes and edges are appended directly: pyvis' ``add_node``/``add_edge`` look ids up in
    lists, which is quadratic (seconds at 5,000 nodes).
    """
    from pyvis.edge import Edge
    from pyvis.network import Network
    from pyvis.node import Node

    net = Network(directed=True, cdn_resources="remote")  # never rendered or written by pyvis
    for spec in nodes:
        spec = dict(spec)
        node = Node(spec.pop("id"), spec.pop("shape"), spec.pop("label"), **spec)
        net.nodes.append(node.options)
        net.node_ids.append(node.options["id"])
        net.node_map[node.options["id"]] = node.options
    for k, spec in enumerate(edges):
        spec = dict(spec)
        edge = Edge(spec.pop("from"), spec.pop("to"), directed=True, id=spec.pop("id", f"e{k}"),
                    **spec)
        net.edges.append(edge.options)
    net.options = options
    data_nodes, data_edges, _, _, _, _ = net.get_network_data()
    return data_nodes, data_edges


# What network.js fills back in (see ``expand`` there): a big page would repeat it per item.
_BOX_STYLE = {"shape": "box", "borderWidth": 2, "margin": 6, "widthConstraint": False,
              "font": {"size": 17, "color": "#1a1a1a"}}


def _compact_node(node: dict) -> dict:
    node = dict(node)
    if node.get("shape") == "box":
        for key, value in _BOX_STYLE.items():
            if node.get(key) == value:
                del node[key]
        node["box"] = 1
    if node.get("name") == node.get("label"):
        del node["name"]
    tip = node.get("tip")
    if tip:
        tip = node["tip"] = dict(tip)
        if tip.get("heading") == node.get("name", node.get("label")):
            del tip["heading"]
        if tip.get("iri") == node["id"]:
            del tip["iri"]
        for key in [k for k, v in tip.items() if v in (None, [])]:
            del tip[key]
    if node.get("box"):
        node.pop("size", None)  # a box is as large as its label
    return node


def _compact_edges(nodes: list[dict], edges: list[dict]) -> tuple[list[str], list]:
    """Plain links as ``[from index, to index, property index(, note)]``; styled edges (the
    ladder's, the path's) stay objects."""
    index = {n["id"]: k for k, n in enumerate(nodes)}
    props: dict[str, int] = {}
    out = []
    for k, e in enumerate(edges):
        plain = set(e) <= {"from", "to", "id", "arrows", "prop", "note"} and "prop" in e
        if plain and e.get("id") == f"e{k}" and e.get("arrows", "to") == "to":
            row = [index[e["from"]], index[e["to"]], props.setdefault(e["prop"], len(props))]
            out.append(row + ([e["note"]] if "note" in e else []))
        else:
            out.append(e)
    return sorted(props, key=props.get), out


@lru_cache(maxsize=1)
def _vis_assets() -> tuple[str, str]:
    """vis-network's script and style, read from the installed pyvis (never from a CDN)."""
    import pyvis

    root = Path(pyvis.__file__).resolve().parent / "templates" / "lib" / "vis-9.1.2"
    try:
        script = (root / "vis-network.min.js").read_text(encoding="utf-8")
        style = (root / "vis-network.css").read_text(encoding="utf-8")
    except OSError as error:
        raise KGError(f"Cannot read vis-network from pyvis at '{root}' ({error.strerror}); "
                      "reinstall pyvis.") from None
    # Inlined text must not close its own element early.
    if "</script" in script.lower() or "</style" in style.lower():
        raise KGError(f"vis-network in '{root}' cannot be inlined safely; reinstall pyvis.")
    return script, style


def _csp_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def render(title: str, subtitle: str, nodes: list[dict], edges: list[dict], legend: list[dict],
           options: dict, groups: list[dict] = (), story: dict | None = None) -> str:
    """The HTML of one page (deterministic: sorted JSON, no dates, no random ids).

    ``groups``: boxes the page opens on instead of their members (see ``kg.pages.viz.aggregate``);
    ``story``: the steps shown beside a path (see ``kg.pages.path_page.story``)."""
    import jinja2
    from markupsafe import Markup

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "separators": (",", ":")}
    vis_js, vis_css = _vis_assets()
    template = env.get_template("network.html")
    app_js = (TEMPLATES / "network.js").read_text(encoding="utf-8")
    data_nodes, data_edges = _network_data(nodes, edges, options)
    data = {"nodes": [_compact_node(n) for n in data_nodes], "classes": legend,
            "options": options, "groups": list(groups), "story": story}
    data["props"], data["edges"] = _compact_edges(data_nodes, data_edges)
    csp = (f"default-src 'none'; script-src {_csp_hash(vis_js)} {_csp_hash(app_js)}; "
           "style-src 'unsafe-inline'; img-src data:; font-src data:")
    return template.render(title=title, subtitle=subtitle, data=data, csp=csp, story=story,
                           open_legend=len(legend) <= 12,
                           vis_js=Markup(vis_js), vis_css=Markup(vis_css), app_js=Markup(app_js))


def write(path: Path, html: str) -> None:
    """Write one page atomically; a missing folder is an error, not created silently."""
    atomic_write(Path(path), html.encode("utf-8"))


