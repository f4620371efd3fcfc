"""What O*NET says occupations require and do: technologies, skills and knowledge with their
ratings, typical education and experience, and emerging tasks (the rules are in
:mod:`kg.importers.onet`'s docstring).
"""

from __future__ import annotations

from collections.abc import Iterator

from kg.errors import SourceError
from kg.importers.common import ail, boolean, code as code_literal, decimal, en, iri, require, slug, string, triple
from kg.importers.onet_format import (
    A, BASE, CODE, DEFINITION, EDUCATION_SCALES, FILES, LABEL, NAMED, NOTATION, NOTE, OCCUPATION,
    REQUIRES_IMPORTANCE, SOURCE, TASK_CATEGORIES, flag, year_month,
)


class SkillsAndTasks:
    """The converter's sheets of requirements and tasks. A mixin of
    :class:`kg.importers.onet._Converter`, whose ``table``, ``section``, ``occupation``,
    ``summary`` and ``titles`` it reads."""

    def technology(self) -> Iterator:
        source = self.section("technology")
        seen: dict[str, list] = {}  # Example -> [commodity code, commodity title, hot]
        for where, row in self.table("technology"):
            occupation = self.occupation(require(row[CODE], CODE, where), where)
            name = require(row["Example"], "Example", where)
            hot, demand = flag(row["Hot Technology"], where), flag(row["In Demand"], where)
            info = seen.setdefault(name, [row["Commodity Code"], row["Commodity Title"], False])
            info[2] = info[2] or hot
            tech = iri(BASE + "technology/" + slug(name))
            rating = iri(occupation.value.replace(OCCUPATION, BASE + "rating/") + "/technology/"
                         + slug(name))
            yield triple(rating, A, ail("SkillRating"))
            yield triple(rating, ail("ratedOccupation"), occupation)
            yield triple(rating, ail("ratedSkill"), tech)
            yield triple(rating, ail("inDemand"), boolean(demand))
            yield triple(rating, SOURCE, source)
            prop = "requiresEssentialSkill" if demand else "requiresPreferredSkill"
            yield triple(occupation, ail(prop), tech)
            self.summary.add("technology links")
        for name in sorted(seen):  # described once each, after every row has had its say
            code, title, hot = seen[name]
            tech = iri(BASE + "technology/" + slug(name))
            yield triple(tech, A, NAMED)
            yield triple(tech, A, ail("Technology"))
            yield triple(tech, LABEL, en(name))
            kind = f"{title} (UNSPSC commodity {code})" if code else title or "technology"
            yield triple(tech, DEFINITION, en(f"{name}: {kind}, a technology O*NET lists "
                                              "for occupations that use it."))
            yield triple(tech, ail("hotTechnology"), boolean(hot))
            yield triple(tech, SOURCE, source)
            self.summary.add("technologies")
            self.summary.add("hot technologies", int(hot))

    def content_model(self) -> dict[str, tuple[str, str]]:
        return {row["Element ID"]: (row["Element Name"], row["Description"])
                for _, row in self.table("content_model")}

    def ratings(self, key: str, kind, elements: dict) -> Iterator:
        source, model = self.section(key), self.section("content_model")
        described: set[str] = set()
        for where, row in self.table(key):
            occupation = self.occupation(require(row[CODE], CODE, where), where)
            element_id = require(row["Element ID"], "Element ID", where)
            element = iri(BASE + "element/" + slug(element_id))
            if element_id not in described:
                described.add(element_id)
                name, text = elements.get(element_id, (row["Element Name"], ""))
                yield triple(element, A, NAMED)
                yield triple(element, A, kind)
                yield triple(element, LABEL, en(require(name, "Element Name", where)))
                yield triple(element, DEFINITION, en(text or name))
                yield triple(element, NOTATION, code_literal(element_id))
                yield triple(element, SOURCE, model)
                self.summary.add(key)
            scale = row["Scale ID"]
            if scale not in ("IM", "LV"):
                raise SourceError(f"{where}: unknown scale '{scale}' (expected IM or LV).")
            value = decimal(require(row["Data Value"], "Data Value", where), where)
            rating = iri(occupation.value.replace(OCCUPATION, BASE + "rating/") + "/element/"
                         + slug(element_id))
            if scale == "IM":
                yield triple(rating, A, ail("SkillRating"))
                yield triple(rating, ail("ratedOccupation"), occupation)
                yield triple(rating, ail("ratedSkill"), element)
                yield triple(rating, SOURCE, source)
                yield triple(rating, ail("importance"), value)
                self.summary.add(f"{key} ratings")
                if float(value.value) >= REQUIRES_IMPORTANCE:
                    yield triple(occupation, ail("requiresEssentialSkill"), element)
                    self.summary.add(f"{key} required")
            else:
                yield triple(rating, ail("level"), value)


    def education(self) -> Iterator:
        """Per occupation, the Required Level of Education and Related Work Experience
        categories with the largest share of respondents (ties: the lower category)."""
        names = {}
        for where, row in self.table("categories"):
            if row["Scale ID"] in EDUCATION_SCALES:
                text = require(row["Category Description"], "Category Description", where)
                names[(row["Scale ID"], row["Category"])] = text.split(" - ")[0].strip()
        source = self.section("education")
        best: dict[tuple[str, str], tuple[float, int, str]] = {}
        current = None
        for where, row in self.table("education"):
            scale = row["Scale ID"]
            if scale not in EDUCATION_SCALES:
                continue
            code = require(row[CODE], CODE, where)
            if code != current:
                yield from self._typical(best, source)
                best, current = {}, code
            self.occupation(code, where)
            category = require(row["Category"], "Category", where)
            if (scale, category) not in names:
                raise SourceError(f"{where}: category {category} of scale {scale} is not in "
                                  f"'{FILES['categories'][0]}'.")
            share = float(decimal(require(row["Data Value"], "Data Value", where), where).value)
            key = (-share, int(float(category)))
            if (code, scale) not in best or key < best[(code, scale)][:2]:
                best[(code, scale)] = (*key, names[(scale, category)])
        yield from self._typical(best, source)

    def emerging_tasks(self) -> Iterator:
        """Each row an ``ail:EmergingTask`` at ``.../onet/emerging-task/<code>/<n>`` (the
        occupation's n-th row), labelled "<occupation>: <task>" (a task may be reported for
        several occupations, and labels name one thing), the task as definition."""
        source, counted = self.section("emerging"), {}
        for where, row in self.table("emerging"):
            code = require(row[CODE], CODE, where)
            occupation = self.occupation(code, where)
            text = require(row["Task"], "Task", where)
            category = require(row["Category"], "Category", where)
            if category not in TASK_CATEGORIES:
                raise SourceError(f"{where}: unknown task category '{category}' (O*NET uses "
                                  f"{' and '.join(TASK_CATEGORIES)}).")
            month = year_month(require(row["Date"], "Date", where), where)
            counted[code] = counted.get(code, 0) + 1
            task = iri(BASE + f"emerging-task/{code}/{counted[code]}")
            yield triple(task, A, NAMED)
            yield triple(task, A, ail("EmergingTask"))
            yield triple(task, LABEL, en(f"{self.titles[code]}: {text}"))
            yield triple(task, DEFINITION, en(text))
            yield triple(task, ail("taskCategory"), string(category))
            yield triple(task, ail("reportedIn"), month)
            if category == "Revision" and row["Original Task"]:
                number = f" {row['Original Task ID']}" if row["Original Task ID"] else ""
                yield triple(task, NOTE, en(f"Revises O*NET task{number}: "
                                            f"{row['Original Task']}"))
            if row["Domain Source"]:
                yield triple(task, NOTE, en(f"Reported by O*NET's {row['Domain Source']} "
                                            "source."))
            yield triple(task, SOURCE, source)
            yield triple(occupation, ail("hasEmergingTask"), task)
            self.summary.add("emerging tasks")

    def _typical(self, best: dict, source) -> Iterator:
        cited = set()
        for (code, scale), (_, _, text) in sorted(best.items()):
            node = iri(OCCUPATION + code)
            yield triple(node, ail(EDUCATION_SCALES[scale]), string(text))
            self.summary.add(EDUCATION_SCALES[scale])
            if node not in cited:
                cited.add(node)
                yield triple(node, SOURCE, source)
