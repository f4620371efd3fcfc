"""How the graph pages look: colour and shape per class, and deterministic node positions.

Positions are computed here rather than left to the browser's physics so that a page of
thousands of nodes has a usable picture at once and the same graph gives the same page.
Nothing here touches the graph; it works on plain lists of ids.
"""

from __future__ import annotations

import hashlib
import math

AIL = "https://w3id.org/ai-leadership-kg/ontology#"

# Families share a colour; shapes tell the classes of one family apart. Shapes are those vis
# draws with the label underneath, so every node reads the same way.
_FAMILIES = [
    ("#1f5fa8", ["Role", "CareerStage", "CareerTrack"]),
    ("#17a2a2", ["Responsibility", "ResponsibilityArea"]),
    ("#2ca02c", ["Skill", "ProgrammingLanguage", "MLFramework", "AITechnique",
                 "InfrastructureSkill", "SoftSkill", "BusinessSkill", "SoftwareEngineeringSkill"]),
    ("#8e5bb5", ["Qualification", "Degree", "DegreeLevel", "FieldOfStudy",
                 "ExperienceRequirement"]),
    ("#d62728", ["Challenge", "ChallengeArea"]),
    ("#9aa31a", ["BestPractice"]),
    ("#e377c2", ["IndustryTrend", "DemandDriver", "SalaryFactor", "CompensationComponent"]),
    ("#ff7f0e", ["MarketStatistic", "SalaryFigure", "GrowthRate", "MarketSize",
                 "InvestmentAmount", "JobGrowthFigure", "CompensationShare", "StatisticKind",
                 "ValueRange", "Market"]),
    ("#8c564b", ["Organisation", "Company", "GovernmentProgramme", "ResearchOrganisation"]),
    ("#1a9ccf", ["Industry", "AIApplication", "Region"]),
    ("#7f7f7f", ["SourceDocument", "SourceSection", "Basis"]),
]
SHAPES = ["dot", "square", "diamond", "triangle", "triangleDown", "star", "hexagon"]
_SHAPE_LIST = SHAPES + ["dot", "square", "diamond"]  # a family of 10 reuses the first three

STYLE: dict[str, tuple[str, str, int]] = {}
"""class IRI -> (colour, shape, order in the legend)"""
for _f, (_colour, _names) in enumerate(_FAMILIES):
    for _i, _name in enumerate(_names):
        STYLE[AIL + _name] = (_colour, _SHAPE_LIST[_i], _f * 100 + _i)

_OTHER_COLOURS = ["#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#31a354"]


def class_style(cls: str) -> tuple[str, str, int]:
    """Colour, shape and legend order of a class; classes added by users get stable ones."""
    if cls in STYLE:
        return STYLE[cls]
    digest = int(hashlib.sha256(cls.encode("utf-8")).hexdigest(), 16)
    return (_OTHER_COLOURS[digest % len(_OTHER_COLOURS)], SHAPES[digest // 7 % len(SHAPES)],
            10_000)


GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))
NODE_SPACING = 38.0


def _spiral(count: int, spacing: float = NODE_SPACING) -> list[tuple[float, float]]:
    """``count`` points filling a disc evenly (a sunflower spiral), nearest the centre first."""
    return [(spacing * math.sqrt(k + 0.5) * math.cos(k * GOLDEN_ANGLE),
             spacing * math.sqrt(k + 0.5) * math.sin(k * GOLDEN_ANGLE)) for k in range(count)]


def cluster_layout(groups: list[list[str]], middle: list[str] = ()) -> dict[str, tuple[int, int]]:
    """One disc per group (a class), the discs round a circle in the order given; the
    ``middle`` nodes (those with no links) in a disc at the centre, where nothing pulls them
    away and they stay in view.

    The circle is just long enough for the discs to sit side by side, so the picture stays
    compact at 10 nodes and at 10,000.
    """
    radii = [NODE_SPACING * math.sqrt(len(g) + 1) + 60 for g in groups]
    circumference = sum(2 * r for r in radii)
    ring = circumference / (2 * math.pi) if len(groups) > 1 else 0.0
    positions: dict[str, tuple[int, int]] = {}
    travelled = 0.0
    for group, radius in zip(groups, radii):
        angle = 2 * math.pi * (travelled + radius) / circumference if circumference else 0.0
        travelled += 2 * radius
        cx, cy = ring * math.cos(angle), ring * math.sin(angle)
        for node, (dx, dy) in zip(group, _spiral(len(group))):
            positions[node] = (round(cx + dx), round(cy + dy))
    for node, (dx, dy) in zip(middle, _spiral(len(middle))):
        positions[node] = (round(dx), round(dy))
    return positions


def ladder_layout(columns: list[list[str]], dx: int = 280, dy: int = 120) -> dict[str, tuple[int, int]]:
    """Columns left to right (seniority), each column's nodes centred vertically."""
    positions = {}
    for x, column in enumerate(columns):
        for y, node in enumerate(column):
            positions[node] = (x * dx, round((y - (len(column) - 1) / 2) * dy))
    return positions


def radial_layout(rings: list[list[str]], gap: int = 260) -> dict[str, tuple[int, int]]:
    """The centre node in the middle, each further ring of neighbours on a wider circle."""
    positions = {}
    radius = 0.0
    for depth, ring in enumerate(rings):
        if depth == 0:
            for node in ring:
                positions[node] = (0, 0)
            continue
        # far enough out for the previous ring, and wide enough to space this one's nodes
        radius = max(radius + gap, len(ring) * 55 / (2 * math.pi))
        for k, node in enumerate(ring):
            angle = 2 * math.pi * k / len(ring) - math.pi / 2
            positions[node] = (round(radius * math.cos(angle)), round(radius * math.sin(angle)))
    return positions


#: Text of the node boxes on the list-like layouts (focus, groups), in canvas units.
BOX_FONT = 17
ROW_PITCH = 30      # one box of one line plus a gap
COLUMN_PITCH = 225  # a one-line box of at most 24 characters plus a gap


def _rows_for(count: int, columns_before: int, aspect: float, row_pitch: int = ROW_PITCH,
              column_pitch: int = COLUMN_PITCH) -> int:
    """Rows per column that make ``count`` boxes (after ``columns_before`` other columns)
    fill a picture about ``aspect`` times wider than high, so that fitting it to a window
    keeps text large."""
    best, best_rows = None, max(1, count)
    for rows in range(1, max(1, count) + 1):
        cols = columns_before + math.ceil(count / rows)
        width, height = cols * column_pitch, rows * row_pitch
        scale = min(aspect / width, 1.0 / height)  # how large it would be drawn
        if best is None or scale > best:
            best, best_rows = scale, rows
    return best_rows


def layered_layout(layers: list[list[str]], aspect: float = 1.3, row_pitch: int = ROW_PITCH,
                   column_pitch: int = COLUMN_PITCH) -> dict[str, tuple[int, int]]:
    """Layers left to right (the focus, then what is one link away, then two ...), each layer
    a block of columns of boxes, centred vertically; a layer too tall for the picture wraps
    into more columns."""
    rows = max(1, max((_rows_for(len(layer), len(layers) - 1, aspect, row_pitch, column_pitch)
                       for layer in layers), default=1))
    positions: dict[str, tuple[int, int]] = {}
    column = 0
    for layer in layers:
        height = min(rows, len(layer))
        for k, node in enumerate(layer):
            x = (column + k // rows) * column_pitch
            y = round((k % rows - (height - 1) / 2) * row_pitch)
            positions[node] = (x, y)
        column += max(1, math.ceil(len(layer) / rows))
    return positions


def grid_layout(count: int, aspect: float = 1.3) -> list[tuple[int, int]]:
    """``count`` places for group boxes in a grid about ``aspect`` times wider than high."""
    rows = _rows_for(count, 0, aspect * 2)  # group boxes stand further apart vertically
    cols = max(1, math.ceil(count / rows))
    return [(round((k % cols - (cols - 1) / 2) * COLUMN_PITCH),
             round((k // cols - (rows - 1) / 2) * ROW_PITCH * 2)) for k in range(count)]


#: The network's area on a 1280x800 window, beside the side panel and under the header.
CANVAS = (940, 700)
MAX_SCALE = 1.6  # the pages never zoom in further than this when they fit (network.js)


def first_paint_px(positions: dict[str, tuple[int, int]], font: float,
                   box: tuple[int, int] = (240, 40)) -> float:
    """How large ``font`` is drawn on screen once the page fits ``positions`` (plus one box
    of size ``box`` round each) into :data:`CANVAS`: the pages group their nodes when this
    falls below legible."""
    if not positions:
        return font * MAX_SCALE
    xs = [x for x, _ in positions.values()]
    ys = [y for _, y in positions.values()]
    width, height = max(xs) - min(xs) + box[0], max(ys) - min(ys) + box[1]
    return font * min(CANVAS[0] / width, CANVAS[1] / height, MAX_SCALE)
