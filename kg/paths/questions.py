"""Asking a path question: names resolved to IRIs, and the one-line errors for bad questions.

A role given where a skill is expected (and the reverse) is named as such; an unknown name
points to the command that lists the candidates; a question with no answer says what the
ladder offers instead.
"""

from __future__ import annotations

from kg.errors import AmbiguousName, PathError, UnknownEntity
from kg.paths.search import MODES

ROLE, SKILL = "ail:Occupation", "ail:Skill"


def resolve_role(g, text: str) -> str:
    """A role's IRI; a skill given instead, or no match, is an UnknownEntity that says so."""
    try:
        return g.resolve(text, cls=ROLE, noun="role")
    except AmbiguousName:
        raise
    except UnknownEntity as error:
        skill = _other(g, text, SKILL)
        if skill is not None:
            raise UnknownEntity(
                f"'{text}' is a skill{_named(g, text, skill)}, not a role: give roles as FROM, TO, "
                "--via, --avoid or --role, and the skills you hold with --have SKILL.") from None
        raise UnknownEntity(f"{error} 'aikg query ladder' lists the roles.") from None


def resolve_skill(g, text: str) -> str:
    """A skill's IRI; a role given instead, or no match, is an UnknownEntity that says so."""
    try:
        return g.resolve(text, cls=SKILL)
    except AmbiguousName:
        raise
    except UnknownEntity as error:
        role = _other(g, text, ROLE)
        if role is not None:
            raise UnknownEntity(
                f"'{text}' is a role{_named(g, text, role)}, not a skill: --have takes skills you "
                "hold; to count a role's skills as held, start the path there (FROM) or "
                "give it to 'aikg ready --role'.") from None
        raise UnknownEntity(f"{error} 'aikg query skills' lists the skills.") from None


def _named(g, text: str, iri: str) -> str:
    """`` (Label)`` when ``text`` is not already the label (a CURIE, IRI or synonym)."""
    return "" if g.label(iri).casefold() == text.strip().casefold() else f" ({g.label(iri)})"


def _other(g, text: str, cls: str) -> str | None:
    """The IRI ``text`` names as a ``cls``, or None."""
    try:
        return g.resolve(text, cls=cls, suggest=False)
    except UnknownEntity:
        return None


def check_question(graph, source, target, by, via, avoid, alternatives) -> None:
    label = lambda iri: graph.nodes[iri]["label"]  # noqa: E731
    if by not in MODES:
        raise PathError(f"Cannot rank paths by '{by}'; use skills, steps or years.")
    if alternatives < 1:
        raise PathError(f"--alternatives must be 1 or more (got {alternatives}).")
    if source == target:
        raise PathError(f"'{label(source)}' is both the start and the goal; pick another goal, "
                        f"or run 'aikg next \"{label(source)}\"' to see where it leads.")
    for end, word in ((source, "starts"), (target, "ends")):
        if end in avoid:
            raise PathError(f"The path {word} at '{label(end)}', so it cannot be avoided; "
                            "drop it from --avoid.")
    for role in via:
        if role in avoid:
            raise PathError(f"'{label(role)}' is given to both --via and --avoid; "
                            "drop one of them.")


#: How many roles an error names before it says how many more there are: a question avoiding
#: hundreds of occupations must still get a one-line answer.
NAMED_IN_MESSAGE = 5


def named(labels: list[str]) -> str:
    """The first few labels quoted and joined, then how many more there are."""
    shown = ", ".join(f"'{text}'" for text in labels[:NAMED_IN_MESSAGE])
    rest = len(labels) - NAMED_IN_MESSAGE
    return f"{shown} and {rest} more" if rest > 0 else shown


def no_path_message(graph, index, source, target, via, avoid) -> str:
    label = lambda iri: graph.nodes[iri]["label"]  # noqa: E731
    ask = f"No progression from '{label(source)}' to '{label(target)}'"
    if via:
        ask += " through " + named([label(v) for v in via])
    if avoid:
        ask += " avoiding " + named([label(a) for a in sorted(avoid)])
    if (via or avoid) and graph.has_path(source, target):
        return (f"{ask}, though there is one without --via/--avoid; drop or change them "
                f"(run 'aikg path \"{label(source)}\" \"{label(target)}\"' to see it).")
    backwards = (f" The ladder runs the other way: '{label(target)}' leads to "
                 f"'{label(source)}'." if graph.has_path(target, source) else "")
    following = sorted(graph.successors(source), key=index.index.__getitem__)
    if not following:
        return f"{ask}: the graph has no role that '{label(source)}' progresses to.{backwards}"
    names = named([label(n) for n in following])
    return (f"{ask}.{backwards} The next steps from '{label(source)}' are {names}; "
            f"run 'aikg next \"{label(source)}\"' to compare them.")
